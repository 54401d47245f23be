package dev.infer.engines.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.StepBatch;
import dev.infer.engines.kv.HostKvCache;
import dev.infer.engines.kv.HostKvEngine;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.KvLayer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static dev.infer.models.onnx.PastKvDecoderGraph.ATTENTION_MASK;
import static dev.infer.models.onnx.PastKvDecoderGraph.INPUT_IDS;
import static dev.infer.models.onnx.PastKvDecoderGraph.LOGITS;
import static dev.infer.models.onnx.PastKvDecoderGraph.POSITION_IDS;
import static dev.infer.models.onnx.PastKvDecoderGraph.pastKey;
import static dev.infer.models.onnx.PastKvDecoderGraph.pastValue;
import static dev.infer.models.onnx.PastKvDecoderGraph.presentKey;
import static dev.infer.models.onnx.PastKvDecoderGraph.presentValue;

/**
 * Runs a whole-model ONNX decoder in the Hugging Face {@code past_key_values} layout (as Optimum or
 * transformers.js export it) behind the same paged-KV step as the other engines: for each sequence of a step,
 * its cached K/V is gathered from the paged cache into past tensors, the model runs over the sequence's new
 * tokens, and the new positions of the present K/V are written back into the step's cache slots. Attention
 * happens inside the model, so this is an import path for foreign files rather than the fast path.
 */
public final class PastKvEngine extends HostKvEngine {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final AttentionKernels kernels;

    PastKvEngine(OrtEnvironment env, ModelInfo info, OrtSession session, AttentionKernels kernels) {
        super(info, kernels);
        this.env = env;
        this.session = session;
        this.kernels = kernels;
    }

    @Override
    public Logits forward(StepBatch batch, KvCache cache) {
        HostKvCache kv = attention.checkStep(batch, cache, "ONNX past_key_values engine");
        int vocab = config.vocabSize();
        float[] logits = new float[batch.logitRows().length * vocab];
        for (int s = 0; s < batch.numSeqs(); s++) {
            try {
                runSequence(batch, s, kv, logits);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed running the decoder", e);
            }
        }
        return new Logits(batch.logitRows().length, vocab, logits);
    }

    private void runSequence(StepBatch batch, int s, HostKvCache kv, float[] logits) throws OrtException {
        int from = batch.queryStart()[s];
        int count = batch.queryStart()[s + 1] - from;
        int total = batch.contextLens()[s];
        int past = total - count;
        try (Arena arena = Arena.ofConfined()) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put(INPUT_IDS, longs(Arrays.copyOfRange(batch.tokenIds(), from, from + count)));
                inputs.put(POSITION_IDS, longs(Arrays.copyOfRange(batch.positions(), from, from + count)));
                long[] ones = new long[total];
                Arrays.fill(ones, 1);
                inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(ones), new long[]{1, total}));
                for (int l = 0; l < config.numLayers(); l++) {
                    KvLayer layer = kv.layer(l);
                    inputs.put(pastKey(l), past(arena, layer, layer.keys(), batch.blockTables()[s], past));
                    inputs.put(pastValue(l), past(arena, layer, layer.values(), batch.blockTables()[s], past));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    storeNewKv(result, kv, batch, from, count, total);
                    copyLogits(result, batch, from, count, logits);
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private OnnxTensor longs(int[] values) throws OrtException {
        return OnnxTensor.createTensor(env, LongBuffer.wrap(Arrays.stream(values).asLongStream().toArray()),
                new long[]{1, values.length});
    }

    /** A {@code [1, kvHeads, past, headDim]} tensor over memory the cached rows were gathered into. */
    private OnnxTensor past(Arena arena, KvLayer layer, MemorySegment cache, int[] table, int past) throws OrtException {
        int heads = config.numKvHeads();
        int dim = config.headDim();
        MemorySegment dense = arena.allocate(Math.max(1L, (long) heads * past * dim * Float.BYTES), 64);
        PastKvTransfer.gather(layer, cache, table, past, dense);
        FloatBuffer buffer = dense.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer()
                .slice(0, heads * past * dim);
        return OnnxTensor.createTensor(env, buffer, new long[]{1, heads, past, dim});
    }

    /** The present K/V rows of this step's new tokens into their cache slots. */
    private void storeNewKv(OrtSession.Result result, HostKvCache kv, StepBatch batch, int from, int count, int total)
            throws OrtException {
        int[] slots = Arrays.copyOfRange(batch.slotMapping(), from, from + count);
        int heads = config.numKvHeads();
        int dim = config.headDim();
        for (int l = 0; l < config.numLayers(); l++) {
            float[] keys = floats(result, presentKey(l));
            float[] values = floats(result, presentValue(l));
            kernels.writeKv(kv.layer(l),
                    PastKvTransfer.segment(PastKvTransfer.newRows(keys, heads, total, dim, total - count, count)),
                    PastKvTransfer.segment(PastKvTransfer.newRows(values, heads, total, dim, total - count, count)),
                    slots);
        }
    }

    private void copyLogits(OrtSession.Result result, StepBatch batch, int from, int count, float[] out)
            throws OrtException {
        float[] all = floats(result, LOGITS);
        int vocab = config.vocabSize();
        int[] rows = batch.logitRows();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] >= from && rows[r] < from + count) {
                System.arraycopy(all, (rows[r] - from) * vocab, out, r * vocab, vocab);
            }
        }
    }

    private static float[] floats(OrtSession.Result result, String name) throws OrtException {
        OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("the model has no output "
                + name + "; a past_key_values decoder needs logits and present.N.key/value"));
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session", e);
        } finally {
            attention.close();
        }
    }
}
