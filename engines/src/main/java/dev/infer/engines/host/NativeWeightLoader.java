package dev.infer.engines.host;

import dev.infer.models.ModelFormatException;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.Float32Conversion;
import dev.infer.models.weights.ModelWeights;
import dev.infer.models.weights.Tensor;
import dev.infer.models.weights.WeightSource;
import dev.infer.kernels.LinearFormat;
import dev.infer.kernels.PackedMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns checkpoint tensors into {@link PackedMatrix} weights in the engine's format, fusing q/k/v and gate/up.
 * Each matrix is widened to fp32 in a staging arena and packed from there (so bf16 checkpoints packed as BF16
 * keep their exact values; fp32 ones are rounded once, by the packing). A matrix whose column count the format cannot hold (Q8 needs multiples of 32)
 * stays F32.
 */
final class NativeWeightLoader {
    private final WeightSource source;
    private final LinearFormat format;
    private final Arena vectors = Arena.ofShared();

    NativeWeightLoader(WeightSource source, LinearFormat format) {
        this.source = source;
        this.format = format;
    }

    DecoderWeights load(ModelConfig config) {
        ModelWeights checkpoint = ModelWeights.of(source);
        checkpoint.validate(config);
        List<LayerWeights> layers = new ArrayList<>();
        PackedMatrix embedding = null;
        PackedMatrix lmHead = null;
        try {
            int h = config.hiddenSize();
            embedding = matrix(List.of(checkpoint.embedTokens()), config.vocabSize(), h);
            lmHead = checkpoint.sharesEmbedding() ? embedding
                    : matrix(List.of(checkpoint.lmHead()), config.vocabSize(), h);
            for (int i = 0; i < config.numLayers(); i++) {
                layers.add(layer(config, "model.layers." + i + "."));
            }
            return new DecoderWeights(embedding, layers, vector("model.norm.weight", h), lmHead, vectors);
        } catch (RuntimeException e) {
            layers.forEach(LayerWeights::close);
            if (lmHead != null && lmHead != embedding) {
                lmHead.close();
            }
            if (embedding != null) {
                embedding.close();
            }
            vectors.close();
            throw e;
        }
    }

    private LayerWeights layer(ModelConfig c, String p) {
        int h = c.hiddenSize();
        int qkvRows = c.qSize() + 2 * c.kvSize();
        PackedMatrix qkv = matrix(List.of(tensor(p + "self_attn.q_proj.weight"), tensor(p + "self_attn.k_proj.weight"),
                tensor(p + "self_attn.v_proj.weight")), qkvRows, h);
        MemorySegment qkvBias = c.qkvBias() ? offHeap(concat(List.of(tensor(p + "self_attn.q_proj.bias"),
                tensor(p + "self_attn.k_proj.bias"), tensor(p + "self_attn.v_proj.bias")), qkvRows)) : null;
        float[] qNorm = c.qkNorm() ? vector(p + "self_attn.q_norm.weight", c.headDim()) : null;
        float[] kNorm = c.qkNorm() ? vector(p + "self_attn.k_norm.weight", c.headDim()) : null;
        PackedMatrix output = matrix(List.of(tensor(p + "self_attn.o_proj.weight")), h, c.qSize());
        PackedMatrix gateUp = matrix(List.of(tensor(p + "mlp.gate_proj.weight"), tensor(p + "mlp.up_proj.weight")),
                2 * c.intermediateSize(), h);
        PackedMatrix down = matrix(List.of(tensor(p + "mlp.down_proj.weight")), h, c.intermediateSize());
        return new LayerWeights(vector(p + "input_layernorm.weight", h), qkv, qkvBias, qNorm, kNorm, output,
                vector(p + "post_attention_layernorm.weight", h), gateUp, down);
    }

    /** Present with the right shape: {@link ModelWeights#validate} ran before anything was loaded. */
    private Tensor tensor(String name) {
        return source.get(name);
    }

    private float[] vector(String name, int size) {
        return concat(List.of(tensor(name)), size);
    }

    private MemorySegment offHeap(float[] values) {
        MemorySegment s = vectors.allocate((long) values.length * Float.BYTES, 64);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT, 0, values.length);
        return s;
    }

    private static float[] concat(List<Tensor> parts, int size) {
        float[] out = new float[size];
        int offset = 0;
        for (Tensor t : parts) {
            long n = t.elementCount();
            if (offset + n > size) {
                throw new ModelFormatException("weights: " + parts + " hold more than the " + size + " values the config needs");
            }
            for (int i = 0; i < n; i++) {
                out[offset + i] = t.getFloat(i);
            }
            offset += (int) n;
        }
        return out;
    }

    /** Concatenates the tensors along their first axis into one {@code rows × cols} matrix in the engine's format. */
    private PackedMatrix matrix(List<Tensor> parts, int rows, int cols) {
        long total = (long) rows * cols;
        long have = parts.stream().mapToLong(Tensor::elementCount).sum();
        if (have != total) {
            throw new ModelFormatException("weights: " + parts + " hold " + have + " values, the config needs "
                    + rows + " x " + cols + " = " + total);
        }
        try (Arena staging = Arena.ofShared()) {
            MemorySegment fp32 = staging.allocate(total * Float.BYTES, 64);
            long offset = 0;
            for (Tensor t : parts) {
                // No bf16 rounding here: packing as BF16 rounds (to nearest even) itself.
                Float32Conversion.toFloat32(t, fp32, offset, false);
                offset += t.elementCount();
            }
            return PackedMatrix.pack(fp32, rows, cols, format.accepts(cols) ? format : LinearFormat.F32);
        }
    }
}
