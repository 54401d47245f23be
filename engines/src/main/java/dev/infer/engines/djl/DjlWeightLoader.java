package dev.infer.engines.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infer.engines.ComputeType;
import dev.infer.models.ModelFormatException;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.Float32Conversion;
import dev.infer.models.weights.ModelWeights;
import dev.infer.models.weights.Tensor;
import dev.infer.models.weights.WeightSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Turns checkpoint tensors into PyTorch tensors owned by the engine's manager, fusing q/k/v and gate/up. */
final class DjlWeightLoader {
    private final NDManager manager;
    private final ComputeType type;
    private final WeightSource source;

    private final long sliceBytes;

    DjlWeightLoader(NDManager manager, ComputeType type, WeightSource source) {
        this(manager, type, source, SLICE_BYTES);
    }

    /** {@code sliceBytes}: how much is handed to PyTorch at once (tests use small values). */
    DjlWeightLoader(NDManager manager, ComputeType type, WeightSource source, long sliceBytes) {
        this.manager = manager;
        this.type = type;
        this.source = source;
        this.sliceBytes = sliceBytes;
    }

    DecoderWeights load(ModelConfig config) {
        ModelWeights checkpoint = ModelWeights.of(source);
        checkpoint.validate(config);
        NDArray embed = load(List.of(checkpoint.embedTokens()), config.vocabSize(), config.hiddenSize());
        NDArray lmHead = checkpoint.sharesEmbedding()
                ? embed
                : load(List.of(checkpoint.lmHead()), config.vocabSize(), config.hiddenSize());
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(loadLayer(config, "model.layers." + i + "."));
        }
        NDArray finalNorm = vector("model.norm.weight", config.hiddenSize());
        return new DecoderWeights(embed, layers, finalNorm, lmHead);
    }

    private LayerWeights loadLayer(ModelConfig c, String p) {
        int h = c.hiddenSize();
        int qkvRows = c.qSize() + 2 * c.kvSize();
        NDArray qkv = load(List.of(tensor(p + "self_attn.q_proj.weight"), tensor(p + "self_attn.k_proj.weight"),
                tensor(p + "self_attn.v_proj.weight")), qkvRows, h);
        NDArray qkvBias = c.qkvBias()
                ? load(List.of(tensor(p + "self_attn.q_proj.bias"), tensor(p + "self_attn.k_proj.bias"),
                        tensor(p + "self_attn.v_proj.bias")), qkvRows)
                : null;
        NDArray qNorm = c.qkNorm() ? vector(p + "self_attn.q_norm.weight", c.headDim()) : null;
        NDArray kNorm = c.qkNorm() ? vector(p + "self_attn.k_norm.weight", c.headDim()) : null;
        NDArray gateUp = load(List.of(tensor(p + "mlp.gate_proj.weight"), tensor(p + "mlp.up_proj.weight")),
                2L * c.intermediateSize(), h);
        return new LayerWeights(
                vector(p + "input_layernorm.weight", h), qkv, qkvBias, qNorm, kNorm,
                load(List.of(tensor(p + "self_attn.o_proj.weight")), h, c.qSize()),
                vector(p + "post_attention_layernorm.weight", h), gateUp,
                load(List.of(tensor(p + "mlp.down_proj.weight")), h, c.intermediateSize()));
    }

    /** Present with the right shape: {@link ModelWeights#validate} ran before anything was loaded. */
    private Tensor tensor(String name) {
        return source.get(name);
    }

    private NDArray vector(String name, long size) {
        return load(List.of(tensor(name)), size);
    }

    /** Largest slice handed to PyTorch at once: a ByteBuffer cannot exceed 2 GiB. */
    private static final long SLICE_BYTES = 1L << 30;

    /**
     * Copies the staged fp32 values into a tensor PyTorch owns (so the staging memory can go), in slices of
     * rows below 2 GiB for tensors as large as an 8B model's embedding.
     */
    private NDArray toEngineTensor(NDManager staging, MemorySegment fp32, long[] shape) {
        long rows = shape[0];
        long rowBytes = fp32.byteSize() / rows;
        long rowsPerSlice = Math.max(1, sliceBytes / rowBytes);
        NDList slices = new NDList();
        for (long first = 0; first < rows; first += rowsPerSlice) {
            long n = Math.min(rowsPerSlice, rows - first);
            long[] sliceShape = shape.clone();
            sliceShape[0] = n;
            // Aliases the staging memory; the copy below is what the engine keeps.
            slices.add(staging.create(fp32.asSlice(first * rowBytes, n * rowBytes).asByteBuffer()
                    .order(ByteOrder.nativeOrder()), new Shape(sliceShape), DataType.FLOAT32));
        }
        // toType(FLOAT32, copy=true) on an fp32 tensor returns the same tensor (checked), so copy explicitly.
        NDArray copy = slices.size() == 1 ? slices.singletonOrThrow().duplicate() : NDArrays.concat(slices, 0);
        return type == ComputeType.FLOAT16 ? copy.toType(DataType.FLOAT16, false) : copy;
    }

    /** Concatenates the tensors along their first axis into one engine tensor of the given shape. */
    private NDArray load(List<Tensor> parts, long... shape) {
        long total = 1;
        for (long d : shape) {
            total *= d;
        }
        long have = parts.stream().mapToLong(Tensor::elementCount).sum();
        if (have != total) {
            throw new ModelFormatException("weights: " + parts + " hold " + have + " values, the config needs "
                    + new Shape(shape) + " = " + total);
        }
        try (Arena arena = Arena.ofShared(); NDManager staging = manager.newSubManager()) {
            MemorySegment fp32 = arena.allocate(total * Float.BYTES, 64);
            long offset = 0;
            for (Tensor t : parts) {
                Float32Conversion.toFloat32(t, fp32, offset, type == ComputeType.BFLOAT16);
                offset += t.elementCount();
            }
            NDArray owned = toEngineTensor(staging, fp32, shape);
            owned.attach(manager);
            return owned;
        }
    }
}
