package dev.infer.engines.host;

import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.RotaryTable;
import dev.infer.engines.StepBatch;
import dev.infer.engines.kv.HostKvCache;
import dev.infer.engines.kv.HostKvEngine;
import dev.infer.kernels.AttentionBatch;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.KvLayer;
import dev.infer.kernels.LinearKernels;
import dev.infer.kernels.PackedMatrix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Llama-family decoder whose every op runs in this process without a framework: GEMMs in {@code kernels-jni}'s
 * {@link LinearKernels} over fp32, bf16 or int8 weights, attention and cache writes in its attention kernels,
 * and the element-wise ops in Java ({@link LayerOps}), all on off-heap rows that no call copies. One step is
 * about a hundred kernel calls (four GEMMs and two attention calls per layer), against thousands of tensor ops
 * for the framework engines, and the weights are read in the format they are stored in, which is what bounds
 * single-stream decode on a CPU.
 */
public final class NativeEngine extends HostKvEngine {
    private final DecoderWeights weights;
    private final LinearKernels linear;
    private final AttentionKernels kernels;
    private final StepBuffers buffers;
    private final LayerOps.HeadSplit[] headSplits;
    private final float attentionScale;
    private final float eps;

    NativeEngine(ModelInfo info, DecoderWeights weights, LinearKernels linear, AttentionKernels kernels) {
        super(info, kernels);
        this.weights = weights;
        this.linear = linear;
        this.kernels = kernels;
        this.buffers = new StepBuffers(config);
        this.attentionScale = attention.scale();
        this.eps = (float) config.rmsNormEps();
        RotaryTable rotary = RotaryTable.of(config);
        this.headSplits = new LayerOps.HeadSplit[config.numLayers()];
        for (int l = 0; l < headSplits.length; l++) {
            LayerWeights w = weights.layers().get(l);
            headSplits[l] = new LayerOps.HeadSplit(config.numHeads(), config.numKvHeads(), config.headDim(), w.qNorm(),
                    w.kNorm(), eps, rotary);
        }
    }

    /** Bytes of weights the engine holds (what one decode step reads). */
    public long weightBytes() {
        return weights.bytes();
    }

    @Override
    public Logits forward(StepBatch batch, KvCache cache) {
        HostKvCache kv = attention.checkStep(batch, cache, "native engine");
        StepBuffers.Step s = buffers.forStep(batch.numTokens(), batch.logitRows().length);
        embed(batch.tokenIds(), s.hidden());
        AttentionBatch ragged = batch.attention();
        for (int l = 0; l < config.numLayers(); l++) {
            layer(weights.layers().get(l), headSplits[l], kv.layer(l), batch, ragged, s);
        }
        if (s.rows() == 0) {
            return new Logits(0, config.vocabSize(), new float[0]);
        }
        LayerOps.gatherRows(s.hidden(), batch.logitRows(), config.hiddenSize(), s.normed());
        LayerOps.rmsNorm(s.normed(), s.lastRows(), s.rows(), config.hiddenSize(), weights.finalNorm(), eps);
        linear.linear(s.lastRows(), s.rows(), weights.lmHead(), null, s.logits());
        float[] out = new float[s.rows() * config.vocabSize()];
        MemorySegment.copy(s.logits(), ValueLayout.JAVA_FLOAT, 0, out, 0, out.length);
        return new Logits(s.rows(), config.vocabSize(), out);
    }

    /** Each token's embedding row, unpacked from the embedding's format into fp32 hidden rows. */
    private void embed(int[] tokens, MemorySegment hidden) {
        PackedMatrix table = weights.embedding();
        int h = config.hiddenSize();
        float[] row = new float[h];
        for (int t = 0; t < tokens.length; t++) {
            table.unpackRow(tokens[t], row, 0);
            MemorySegment.copy(row, 0, hidden, ValueLayout.JAVA_FLOAT, (long) t * h * Float.BYTES, h);
        }
    }

    /** One pre-norm decoder layer, updating the hidden rows in place (each sublayer adds its output). */
    private void layer(LayerWeights w, LayerOps.HeadSplit split, KvLayer cache, StepBatch batch, AttentionBatch ragged,
                       StepBuffers.Step s) {
        int t = s.tokens();
        int h = config.hiddenSize();
        LayerOps.rmsNorm(s.hidden(), s.normed(), t, h, w.inputNorm(), eps);
        linear.linear(s.normed(), t, w.qkv(), w.qkvBias(), s.qkv());
        split.apply(s.qkv(), batch.positions(), s.q(), s.k(), s.v());
        kernels.writeKv(cache, s.k(), s.v(), batch.slotMapping());
        kernels.pagedAttention(cache, ragged, s.q(), s.attention(), attentionScale);
        linear.linear(s.attention(), t, w.output(), null, s.sublayerOut());
        LayerOps.addInPlace(s.hidden(), s.sublayerOut(), (long) t * h);

        LayerOps.rmsNorm(s.hidden(), s.normed(), t, h, w.postAttentionNorm(), eps);
        linear.linear(s.normed(), t, w.gateUp(), null, s.gateUp());
        LayerOps.siluMul(s.gateUp(), s.activation(), t, config.intermediateSize());
        linear.linear(s.activation(), t, w.down(), null, s.sublayerOut());
        LayerOps.addInPlace(s.hidden(), s.sublayerOut(), (long) t * h);
    }

    @Override
    public void close() {
        try {
            weights.close();
        } finally {
            try {
                linear.close();
            } finally {
                attention.close();
            }
        }
    }
}
