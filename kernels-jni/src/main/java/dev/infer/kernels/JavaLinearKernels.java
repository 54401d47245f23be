package dev.infer.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference linear kernels: each weight row is unpacked to fp32 exactly as the native kernels read it, then
 * dotted with every input row in plain Java, output rows split over this instance's threads. Slow but obviously
 * right: the oracle for the native kernels' tests, and the path where the native library does not load.
 */
public final class JavaLinearKernels implements LinearKernels {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final KernelPool pool;

    public JavaLinearKernels(int threads) {
        this.pool = new KernelPool("linear-kernels", threads);
    }

    @Override
    public String name() {
        return "java(" + pool.parallelism() + " threads)";
    }

    @Override
    public void linear(MemorySegment x, int m, PackedMatrix w, MemorySegment bias, MemorySegment y) {
        LinearKernels.checkLinear(x, m, w, bias, y);
        if (m == 0) {
            return;
        }
        int k = w.cols();
        int n = w.rows();
        float[] inputs = new float[m * k];
        MemorySegment.copy(x, FLOAT, 0, inputs, 0, m * k);
        pool.forRanges(n, (from, to) -> {
            float[] row = new float[k];
            for (int j = from; j < to; j++) {
                w.unpackRow(j, row, 0);
                float b = bias == null ? 0 : bias.getAtIndex(FLOAT, j);
                for (int i = 0; i < m; i++) {
                    float sum = 0;
                    for (int c = 0; c < k; c++) {
                        sum += inputs[i * k + c] * row[c];
                    }
                    y.setAtIndex(FLOAT, (long) i * n + j, sum + b);
                }
            }
        });
    }

    @Override
    public void close() {
        pool.close();
    }
}
