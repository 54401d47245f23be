package dev.infer.models.weights;

import dev.infer.models.ModelFormatException;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A WeightSource over heap arrays, for tests that need precise control of names and shapes. */
final class InMemoryWeights implements WeightSource {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    InMemoryWeights put(String name, long... shape) {
        return put(name, new byte[(int) Tensor.elementCount(shape) * 4], shape);
    }

    InMemoryWeights put(String name, byte[] f32Bytes, long... shape) {
        tensors.put(name, new Tensor(name, DType.F32, shape, MemorySegment.ofArray(f32Bytes)));
        return this;
    }

    InMemoryWeights remove(String name) {
        tensors.remove(name);
        return this;
    }

    /** Every tensor of {@code specs} with its expected shape, zero-filled. */
    static InMemoryWeights of(Iterable<TensorSpec> specs) {
        InMemoryWeights w = new InMemoryWeights();
        specs.forEach(s -> w.put(s.name(), s.shape()));
        return w;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException("in-memory weights: no tensor named " + name);
        }
        return t;
    }

    @Override
    public void close() {
    }
}
