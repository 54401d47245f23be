package dev.infer.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The attention kernels in C ({@code src/main/c/attention.c}, {@code cache.c}) over JNI, on the engine's and the
 * cache's memory in place ({@code MemorySegment.address()}, no copies). Java validates every index first (the
 * same checks, and messages, as the Java kernels); the C side checks again and reports an error code.
 *
 * <p>Threads: work is split in Java over (sequence, KV head) tasks, a few contiguous ranges per thread, on this
 * instance's {@link KernelPool}, and each range is one native call. So the thread count is the engine's, the
 * threads are named Java daemons that show up in thread dumps, and no native thread pool spins or sleeps next
 * to PyTorch's OpenMP pool; a JNI call costs well under a microsecond against a range's tens of microseconds.
 * Construct only where {@link NativeLibrary#load()} succeeded (see {@link KernelsLoader}).
 */
public final class NativeAttentionKernels implements AttentionKernels, AutoCloseable {
    private final KernelPool pool;
    private final String isa;

    public NativeAttentionKernels(int threads) {
        this.isa = NativeLibrary.requireLoaded();
        this.pool = new KernelPool("attention-kernels", threads);
    }

    /** Name prefix of this instance's worker threads. */
    public String threadPrefix() {
        return pool.threadPrefix();
    }

    @Override
    public String name() {
        return "native(" + isa + ", " + pool.parallelism() + " threads)";
    }

    @Override
    public void writeKv(KvLayer layer, MemorySegment newKeys, MemorySegment newValues, int[] slotMapping) {
        long rowBytes = (long) layer.shape().kvRowFloats() * Float.BYTES;
        KvLayout.checkSlots(layer, slotMapping, rowBytes, newKeys.byteSize(), newValues.byteSize());
        NativeErrors.check(NativeBridge.writeKv(address(layer.keys()), address(layer.values()), cacheShape(layer),
                address(newKeys), address(newValues), Math.min(newKeys.byteSize(), newValues.byteSize()),
                slotMapping), "writeKv");
    }

    @Override
    public void copyBlocks(KvLayer layer, int[] src, int[] dst) {
        KvLayout.checkBlocks(layer, src, dst);
        NativeErrors.check(NativeBridge.copyBlocks(address(layer.keys()), address(layer.values()), cacheShape(layer),
                src, dst), "copyBlocks");
    }

    @Override
    public void pagedAttention(KvLayer layer, AttentionBatch batch, MemorySegment queries, MemorySegment out,
                               float scale) {
        KvLayout.checkQueries(layer, batch, queries.byteSize(), out.byteSize());
        int[] shape = cacheShape(layer);
        long keys = address(layer.keys());
        long values = address(layer.values());
        long q = address(queries);
        long o = address(out);
        int[][] tables = batch.blockTables();
        int[] tableStart = new int[tables.length + 1];
        for (int s = 0; s < tables.length; s++) {
            tableStart[s + 1] = tableStart[s] + tables[s].length;
        }
        int[] flat = new int[tableStart[tables.length]];
        for (int s = 0; s < tables.length; s++) {
            System.arraycopy(tables[s], 0, flat, tableStart[s], tables[s].length);
        }
        pool.forRanges(batch.numSeqs() * layer.shape().numKvHeads(), (from, to) -> NativeErrors.check(
                NativeBridge.pagedAttention(keys, values, shape, q, queries.byteSize(), o, out.byteSize(), scale,
                        batch.queryStart(), batch.contextLens(), tableStart, flat, from, to), "pagedAttention"));
    }

    private static int[] cacheShape(KvLayer layer) {
        AttentionShape s = layer.shape();
        return new int[]{layer.numBlocks(), s.blockSize(), s.numHeads(), s.numKvHeads(), s.headDim()};
    }

    /** The address native code may use: only off-heap memory has one that stays put. */
    static long address(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("native kernels need off-heap memory, got a heap segment");
        }
        return segment.address();
    }

    /** Stops the worker threads, waiting for any running kernel to finish. */
    @Override
    public void close() {
        pool.close();
    }
}
