package dev.infer.kernels;

/**
 * The fixed geometry of one model's attention and its paged cache.
 *
 * @param blockSize tokens per KV block
 */
public record AttentionShape(int numHeads, int numKvHeads, int headDim, int blockSize) {
    public AttentionShape {
        if (numHeads <= 0 || numKvHeads <= 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("numHeads " + numHeads + " must be a positive multiple of numKvHeads "
                    + numKvHeads);
        }
        if (headDim <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("headDim " + headDim + " and blockSize " + blockSize + " must be > 0");
        }
    }

    /** Query heads that share one KV head (grouped-query attention). */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /** Floats in one token's K (or V) across all KV heads. */
    public int kvRowFloats() {
        return numKvHeads * headDim;
    }

    /** Floats in one token's query (or attention output) across all heads. */
    public int qRowFloats() {
        return numHeads * headDim;
    }

    public long blockFloats() {
        return (long) blockSize * kvRowFloats();
    }
}
