package dev.infer.models.weights;

import java.util.Arrays;

/**
 * A tensor a checkpoint is expected to hold: its Hugging Face name, shape and what it is for. The role decides
 * how {@link DummyWeights} fills it and lets validation say what a missing tensor was meant to be.
 */
public record TensorSpec(String name, long[] shape, Role role) {
    /** What a tensor does in the network; decides the values dummy weights get. */
    public enum Role {
        /** Token embedding table [vocab, hidden]. */
        EMBEDDING,
        /** Output projection [vocab, hidden] (absent when tied to the embedding). */
        LM_HEAD,
        /** A linear layer's weight [out, in]. */
        PROJECTION,
        /** A linear layer's bias [out]. */
        BIAS,
        /** An RMSNorm scale (hidden or head-dim wide). */
        NORM
    }

    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return Tensor.elementCount(shape);
    }

    /** The input width (last dimension): the fan-in of a projection, the row width of a table. */
    public long fanIn() {
        return shape[shape.length - 1];
    }

    public boolean hasShape(long[] other) {
        return Arrays.equals(shape, other);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape) && role == t.role;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
