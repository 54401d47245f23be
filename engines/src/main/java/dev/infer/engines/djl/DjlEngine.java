package dev.infer.engines.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.infer.engines.ComputeType;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.StepBatch;
import dev.infer.engines.kv.HostKvEngine;
import dev.infer.engines.kv.HostKvCache;
import dev.infer.kernels.AttentionBatch;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.KvLayer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * A Llama-family decoder on DJL's PyTorch engine (CPU). PyTorch does the dense work (GEMMs, norms, MLP);
 * K/V cache writes and paged attention run in {@code kernels-jni} directly on PyTorch's tensor memory.
 *
 * <p>Precision: DJL 0.36's PyTorch JNI cannot create bfloat16 tensors (every call with that dtype aborts the
 * process), so {@code bfloat16} here means bf16-rounded weights computed in fp32; {@code float16} is true fp16.
 */
public final class DjlEngine extends HostKvEngine {
    private final NDManager manager;
    private final DecoderWeights weights;
    private final RotaryTables rotary;
    private final AttentionKernels kernels;
    private final DataType activationType;
    private final float attentionScale;
    private MemorySegment scratch = MemorySegment.NULL;

    DjlEngine(NDManager manager, ModelInfo info, DecoderWeights weights, AttentionKernels kernels) {
        super(info, kernels);
        this.manager = manager;
        this.weights = weights;
        this.kernels = kernels;
        this.rotary = new RotaryTables(manager, config);
        this.activationType = info.computeType() == ComputeType.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
        this.attentionScale = attention.scale();
    }

    @Override
    public Logits forward(StepBatch batch, KvCache cache) {
        HostKvCache kv = attention.checkStep(batch, cache, "DJL CPU engine");
        int rows = batch.logitRows().length;
        try (NDManager step = manager.newSubManager()) {
            StepContext ctx = new StepContext(step, batch);
            NDArray x = weights.embedTokens().get(step, new NDIndex("{}", ctx.longs(batch.tokenIds())));
            for (int l = 0; l < weights.layers().size(); l++) {
                NDArray next = decoderLayer(ctx, weights.layers().get(l), kv.layer(l), x);
                x.close();
                x = next;
            }
            if (rows == 0) {
                return new Logits(0, config.vocabSize(), new float[0]);
            }
            NDArray last = x.get(step, new NDIndex("{}", ctx.longs(batch.logitRows())));
            NDArray logits = linear(rmsNorm(last, weights.finalNorm()), weights.lmHead(), null);
            return new Logits(rows, config.vocabSize(), logits.toType(DataType.FLOAT32, false).toFloatArray());
        }
    }

    /** What every layer of one step shares: managers, rotary rows, the attention output buffer. */
    private final class StepContext {
        final NDManager step;
        final StepBatch batch;
        final AttentionBatch attention;
        final NDArray[] cosSin;
        final MemorySegment attentionOut;

        StepContext(NDManager step, StepBatch batch) {
            this.step = step;
            this.batch = batch;
            this.attention = batch.attention();
            this.cosSin = rotary.forPositions(step, longs(batch.positions()), activationType);
            int t = batch.numTokens();
            this.attentionOut = attentionScratch(t);
        }

        NDArray longs(int[] values) {
            long[] out = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i];
            }
            return step.create(out);
        }
    }

    /**
     * The attention output buffer, reused across steps (the kernels' threads write it, so it is not confined);
     * it grows to the largest step seen and the old one is left to the garbage collector.
     */
    private MemorySegment attentionScratch(int tokens) {
        long bytes = (long) tokens * config.qSize() * Float.BYTES;
        if (scratch.byteSize() < bytes) {
            scratch = Arena.ofAuto().allocate(Math.max(bytes, scratch.byteSize() * 2), 64);
        }
        return scratch.asSlice(0, bytes);
    }

    /**
     * One decoder layer. Its intermediates live in a layer-scoped manager ({@code x} is attached to it only
     * while the layer runs), so a step holds one layer's temporaries at a time, not all of them.
     */
    private NDArray decoderLayer(StepContext ctx, LayerWeights w, KvLayer cache, NDArray x) {
        try (NDManager layer = ctx.step.newSubManager()) {
            x.tempAttach(layer);
            NDArray out = attentionAndMlp(ctx, layer, w, cache, x);
            out.attach(ctx.step);
            return out;
        }
    }

    private NDArray attentionAndMlp(StepContext ctx, NDManager layer, LayerWeights w, KvLayer cache, NDArray x) {
        int t = ctx.batch.numTokens();
        NDArray qkv = linear(rmsNorm(x, w.inputNorm()), w.qkv(), w.qkvBias());
        NDList parts = qkv.split(new long[]{config.qSize(), config.qSize() + config.kvSize()}, 1);
        NDArray q = parts.get(0).reshape(t, config.numHeads(), config.headDim());
        NDArray k = parts.get(1).reshape(t, config.numKvHeads(), config.headDim());
        if (config.qkNorm()) {
            q = rmsNorm(q, w.qNorm());
            k = rmsNorm(k, w.kNorm());
        }
        q = rotary.apply(q, ctx.cosSin);
        k = rotary.apply(k, ctx.cosSin);
        // Flattening copies the strided v slice into a dense tensor the kernel can read in place.
        NDArray v = parts.get(2).reshape(-1);
        kernels.writeKv(cache, hostFloats(k), hostFloats(v), ctx.batch.slotMapping());
        kernels.pagedAttention(cache, ctx.attention, hostFloats(q), ctx.attentionOut, attentionScale);
        // Aliases the kernels' output buffer: PyTorch reads the attention result where the kernel wrote it.
        NDArray attended = layer.create(ctx.attentionOut.asByteBuffer().order(ByteOrder.nativeOrder()),
                new Shape(t, config.qSize()), DataType.FLOAT32).toType(activationType, false);
        NDArray h = x.add(linear(attended, w.output(), null));
        NDArray gateUp = linear(rmsNorm(h, w.postAttentionNorm()), w.gateUp(), null);
        NDList gu = gateUp.split(2, 1);
        NDArray act = Activation.swish(gu.get(0), 1f).mul(gu.get(1));
        return h.add(linear(act, w.down(), null));
    }

    /** The fp32 host memory of a dense tensor (shared, not copied, when it already is dense fp32). */
    private static MemorySegment hostFloats(NDArray a) {
        NDArray f = a.toType(DataType.FLOAT32, false);
        return MemorySegment.ofBuffer(f.toByteBuffer(true));
    }

    /** RMSNorm over the last axis, in fp32 as Hugging Face does, then scaled by the weight. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray f = x.toType(DataType.FLOAT32, false);
        NDArray variance = f.square().mean(new int[]{-1}, true);
        NDArray normed = f.div(variance.add(config.rmsNormEps()).sqrt());
        return normed.toType(activationType, false).mul(weight);
    }

    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).singletonOrThrow();
    }

    @Override
    public void close() {
        try {
            attention.close();
        } finally {
            manager.close();
        }
    }
}
