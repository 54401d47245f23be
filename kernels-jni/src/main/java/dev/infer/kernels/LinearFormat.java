package dev.infer.kernels;

/**
 * How a linear layer's weight matrix is stored for {@link LinearKernels}; compute is always fp32.
 * <ul>
 *   <li>{@code F32}: 4 bytes per weight.</li>
 *   <li>{@code BF16}: the upper half of each fp32 value, rounded to nearest even; 2 bytes per weight.</li>
 *   <li>{@code Q8}: blocks of {@value #Q8_BLOCK} weights along a row, each an int8 code times one fp32 scale
 *   (symmetric, scale = max |w| / 127); 1.125 bytes per weight. Needs a column count divisible by the block.</li>
 * </ul>
 * The declaration order is the C side's format code ({@code INK_LINEAR_*} in {@code kernels.h}): do not reorder.
 */
public enum LinearFormat {
    F32,
    BF16,
    Q8;

    public static final int Q8_BLOCK = 32;

    /** Whether a matrix with {@code cols} columns can be stored in this format. */
    public boolean accepts(int cols) {
        return this != Q8 || cols % Q8_BLOCK == 0;
    }

    /** Bytes a {@code rows × cols} matrix takes in this format. */
    public long bytes(long rows, long cols) {
        return switch (this) {
            case F32 -> rows * cols * Float.BYTES;
            case BF16 -> rows * cols * 2;
            case Q8 -> rows * cols + rows * (cols / Q8_BLOCK) * Float.BYTES;
        };
    }
}
