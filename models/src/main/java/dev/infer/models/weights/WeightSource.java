package dev.infer.models.weights;

import java.util.Set;

/** Named weight tensors of one checkpoint; closing it releases the mapped files or generated memory. */
public interface WeightSource extends AutoCloseable {
    Set<String> names();

    boolean contains(String name);

    /** The tensor, or a {@link dev.infer.models.ModelFormatException} naming the missing tensor and its source. */
    Tensor get(String name);

    @Override
    void close();
}
