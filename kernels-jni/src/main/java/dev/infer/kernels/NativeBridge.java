package dev.infer.kernels;

/**
 * The JNI entry points of {@code libinferkernels} (sources in {@code src/main/c}; {@code javac -h} writes their
 * header). Addresses are {@code MemorySegment.address()} of off-heap segments, passed with their byte sizes;
 * {@code cacheShape} is {numBlocks, blockSize, numHeads, numKvHeads, headDim}, taken from a {@link KvLayer}, whose
 * constructor checked that its segments hold exactly that many blocks. Each returns 0 or a negative
 * error code ({@link NativeErrors}): the C side re-checks every index it follows, so even a caller that
 * skipped Java's validation gets an error, not a stray memory access. Call only after {@link NativeLibrary}
 * loaded the library.
 */
final class NativeBridge {
    private NativeBridge() {
    }

    /** The instruction set the library's clones run with on this CPU. */
    static native String isa();

    static native int pagedAttention(long keys, long values, int[] cacheShape, long queries, long queryBytes,
                                     long out, long outBytes, float scale, int[] queryStart, int[] contextLens,
                                     int[] tableStart, int[] tables, int taskFrom, int taskTo);

    static native int writeKv(long keys, long values, int[] cacheShape, long newKeys, long newValues, long newBytes,
                              int[] slotMapping);

    static native int copyBlocks(long keys, long values, int[] cacheShape, int[] src, int[] dst);

    /** Samples rows [rowFrom, rowTo) of {@code [rows][vocab]} logits; the arrays are {@link SamplingPack}'s. */
    static native int sample(long logits, long logitsBytes, int rows, int vocab, float[] rowFloats, int[] rowInts,
                             double[] uniforms, int[] penaltyStarts, int[] penaltyIds, int[] penaltyCounts,
                             int[] tokens, float[] logprobs, int[] topIds, float[] topLogprobs, int maxTop,
                             int rowFrom, int rowTo);

    /**
     * {@code y = x · wᵀ + bias} for output columns [nFrom, nTo) of all m input rows; {@code w} is a {@link
     * PackedMatrix}'s data in format {@code LinearFormat.ordinal()}, {@code rows × cols}; bias 0 means none.
     */
    static native int linear(long x, long xBytes, int m, long w, long wBytes, int format, int rows, int cols,
                             long bias, long biasBytes, long y, long yBytes, int nFrom, int nTo);
}
