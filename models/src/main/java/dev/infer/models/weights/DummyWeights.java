package dev.infer.models.weights;

import dev.infer.models.ModelFormatException;
import dev.infer.models.config.ModelConfig;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * Random weights for a config, like vLLM's {@code --load-format dummy}: every tensor of
 * {@link CheckpointLayout#expected} in the requested dtype, so engines can run realistic shapes (and the demo
 * model) without a checkpoint.
 *
 * <p>Values: norm scales are 1.0 so activations keep their size; projections and embeddings are uniform in
 * ±1/sqrt(fan_in) (PyTorch's {@code nn.Linear} default), which keeps every layer's output near unit scale and
 * the logits finite and varied; biases are uniform in ±1/sqrt(hidden_size).
 *
 * <p>Element {@code i} of tensor {@code t} is a pure function of (seed, t's name, i) (see {@link DummyValues}),
 * so the bytes do not depend on generation order, thread count or chunk size, and all tensors are generated
 * eagerly in parallel chunks. Memory is off-heap (huge pages where available) and freed by {@link #close()}.
 */
public final class DummyWeights implements WeightSource {
    /** The seed {@link #generate(ModelConfig, DType)} uses. */
    public static final long DEFAULT_SEED = 0L;

    /** Elements per parallel task (a multiple of the value block): amortizes scheduling, balances the cores. */
    private static final long CHUNK_ELEMENTS = 1L << 20;
    /** Each tensor starts on its own page, so engines may hand its memory to anything that wants alignment. */
    private static final long TENSOR_ALIGNMENT = 4096;

    private final ModelConfig config;
    private final DType dtype;
    private final long seed;
    private final long byteSize;
    private final Arena arena;
    private final Map<String, Tensor> tensors;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DummyWeights(ModelConfig config, DType dtype, long seed, long byteSize, Arena arena,
                         Map<String, Tensor> tensors) {
        this.config = config;
        this.dtype = dtype;
        this.seed = seed;
        this.byteSize = byteSize;
        this.arena = arena;
        this.tensors = tensors;
    }

    public static DummyWeights generate(ModelConfig config, DType dtype) {
        return generate(config, dtype, DEFAULT_SEED);
    }

    /** Allocates and fills every tensor of {@code config} (all cores; ~0.5B parameters take seconds). */
    public static DummyWeights generate(ModelConfig config, DType dtype, long seed) {
        List<TensorSpec> specs = CheckpointLayout.expected(config);
        long[] offsets = new long[specs.size()];
        long total = 0;
        for (int i = 0; i < specs.size(); i++) {
            offsets[i] = total;
            long bytes = Math.multiplyExact(specs.get(i).elementCount(), dtype.bytes());
            total = Math.addExact(total, alignUp(bytes));
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment memory = OffHeapAllocator.allocate(arena, total);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            List<Fill> fills = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                TensorSpec spec = specs.get(i);
                MemorySegment data = memory.asSlice(offsets[i], spec.elementCount() * dtype.bytes());
                tensors.put(spec.name(), new Tensor(spec.name(), dtype, spec.shape(), data));
                long key = DummyValues.tensorKey(seed, spec.name());
                float scale = scale(spec, config);
                for (long from = 0; from < spec.elementCount(); from += CHUNK_ELEMENTS) {
                    fills.add(new Fill(data, dtype, key, scale, from, Math.min(spec.elementCount(), from + CHUNK_ELEMENTS)));
                }
            }
            IntStream.range(0, fills.size()).parallel().forEach(i -> fills.get(i).run());
            return new DummyWeights(config, dtype, seed, total, arena, Collections.unmodifiableMap(tensors));
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public DType dtype() {
        return dtype;
    }

    public long seed() {
        return seed;
    }

    /** Off-heap bytes held (tensor data plus alignment padding). */
    public long byteSize() {
        return byteSize;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
        if (closed.get()) {
            throw new IllegalStateException("dummy weights are closed");
        }
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException("dummy weights for " + config.architecture().modelType()
                    + ": no tensor named " + name);
        }
        return t;
    }

    /** Frees the memory; tensors handed out before become unusable (access throws, never crashes). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    /** Half-width of the uniform range, or 0 for a tensor of ones (norm scales). */
    static float scale(TensorSpec spec, ModelConfig config) {
        return switch (spec.role()) {
            case NORM -> 0f;
            case BIAS -> (float) (1.0 / Math.sqrt(config.hiddenSize()));
            case EMBEDDING, LM_HEAD, PROJECTION -> (float) (1.0 / Math.sqrt(spec.fanIn()));
        };
    }

    private static long alignUp(long bytes) {
        return (bytes + TENSOR_ALIGNMENT - 1) / TENSOR_ALIGNMENT * TENSOR_ALIGNMENT;
    }

    /** Elements [from, to) of one tensor; {@code scale == 0} means all ones. */
    private record Fill(MemorySegment data, DType dtype, long key, float scale, long from, long to) {
        void run() {
            DummyValues.fill(data.asSlice(from * dtype.bytes(), (to - from) * dtype.bytes()), dtype, key, scale, from, to);
        }
    }
}
