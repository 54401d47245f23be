package dev.infer.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Dense linear layers over {@link PackedMatrix} weights: {@code y = x · Wᵀ (+ bias)}, fp32 activations, for the
 * engines that run their own dense work ({@code --engine native}).
 */
public interface LinearKernels extends AutoCloseable {
    String name();

    /**
     * {@code y[i][j] = sum_c x[i][c] * w[j][c] + bias[j]} for {@code i < m}, {@code j < w.rows()}.
     *
     * @param x    {@code m × w.cols()} fp32, row-major, native order (off-heap, or any segment for Java kernels)
     * @param bias {@code w.rows()} fp32, or null
     * @param y    {@code m × w.rows()} fp32, row-major; must not overlap {@code x}
     */
    void linear(MemorySegment x, int m, PackedMatrix w, MemorySegment bias, MemorySegment y);

    /** Stops the kernels' threads. */
    @Override
    void close();

    /** The sizes every implementation checks before it runs (same messages for Java and native kernels). */
    static void checkLinear(MemorySegment x, int m, PackedMatrix w, MemorySegment bias, MemorySegment y) {
        if (m < 0) {
            throw new IllegalArgumentException("m must be >= 0, got " + m);
        }
        long xBytes = (long) m * w.cols() * Float.BYTES;
        long yBytes = (long) m * w.rows() * Float.BYTES;
        if (x.byteSize() < xBytes) {
            throw new IllegalArgumentException("x holds " + x.byteSize() + " bytes, " + m + " x " + w.cols()
                    + " fp32 needs " + xBytes);
        }
        if (y.byteSize() < yBytes) {
            throw new IllegalArgumentException("y holds " + y.byteSize() + " bytes, " + m + " x " + w.rows()
                    + " fp32 needs " + yBytes);
        }
        if (bias != null && bias.byteSize() < (long) w.rows() * Float.BYTES) {
            throw new IllegalArgumentException("bias holds " + bias.byteSize() + " bytes, needs " + w.rows() + " fp32");
        }
    }
}
