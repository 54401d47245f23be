package dev.infer.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The linear kernels in C ({@code src/main/c/linear.c}) over JNI, on the engine's memory in place
 * ({@code MemorySegment.address()}, no copies). Java validates the sizes first ({@link LinearKernels#checkLinear},
 * the same messages as the Java kernels); the C side checks again and reports an error code.
 *
 * <p>Threads: the output columns (weight rows) are cut into a few ranges per thread on this instance's
 * {@link KernelPool}, one native call per range, each range a multiple of {@value #ROW_ALIGN} rows so that the
 * C tiles (3 or 4 weight rows) never split inside a range but at its end. Every thread streams its own share of
 * the weights, which is what the decode step (one input row, bandwidth bound) needs; the LM head's 151936 rows
 * make 8 ranges of ~19k rows over 2 threads. Calls too small to be worth a hand-off run inline as one range.
 * Construct only where {@link NativeLibrary#load()} succeeded (see {@link KernelsLoader}).
 */
public final class NativeLinearKernels implements LinearKernels {
    /** Ranges start at multiples of this many output columns (a multiple of the C tiles' 3 and 4 rows). */
    static final int ROW_ALIGN = 12;
    /** Multiply-adds below which a call is not split: a range this small takes a few microseconds. */
    static final long MIN_RANGE_WORK = 1L << 17;
    private static final int RANGES_PER_THREAD = 4;

    private final KernelPool pool;
    private final String isa;

    public NativeLinearKernels(int threads) {
        this.isa = NativeLibrary.requireLoaded();
        this.pool = new KernelPool("linear-kernels", threads, KernelPool.SPIN_NANOS);
    }

    @Override
    public String name() {
        return "native(" + isa + ", " + pool.parallelism() + " threads)";
    }

    @Override
    public void linear(MemorySegment x, int m, PackedMatrix w, MemorySegment bias, MemorySegment y) {
        LinearKernels.checkLinear(x, m, w, bias, y);
        if (m == 0) {
            return;
        }
        long xAddress = NativeAttentionKernels.address(x);
        long yAddress = NativeAttentionKernels.address(y);
        long biasAddress = bias == null ? 0 : NativeAttentionKernels.address(bias);
        long biasBytes = bias == null ? 0 : bias.byteSize();
        long wAddress = w.data().address();
        int n = w.rows();
        int format = w.format().ordinal();
        int ranges = ranges(m, n, w.cols());
        int groups = (n + ROW_ALIGN - 1) / ROW_ALIGN;
        pool.forEach(ranges, r -> {
            int from = (int) Math.min(n, (long) groups * r / ranges * ROW_ALIGN);
            int to = (int) Math.min(n, (long) groups * (r + 1) / ranges * ROW_ALIGN);
            NativeErrors.check(NativeBridge.linear(xAddress, x.byteSize(), m, wAddress, w.byteSize(), format, n,
                    w.cols(), biasAddress, biasBytes, yAddress, y.byteSize(), from, to), "linear");
        });
    }

    /** A few ranges per thread, none smaller than a group of ROW_ALIGN rows or than MIN_RANGE_WORK. */
    int ranges(int m, int n, int k) {
        long groups = (n + ROW_ALIGN - 1) / ROW_ALIGN;
        long byWork = Math.max(1, (long) m * n * k / MIN_RANGE_WORK);
        return (int) Math.min(Math.min(groups, byWork), (long) pool.parallelism() * RANGES_PER_THREAD);
    }

    /** Stops the worker threads, waiting for any running kernel to finish. */
    @Override
    public void close() {
        pool.close();
    }
}
