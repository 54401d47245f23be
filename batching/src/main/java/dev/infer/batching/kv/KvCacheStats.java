package dev.infer.batching.kv;

/**
 * A snapshot of the KV-cache manager's counters.
 *
 * @param usableBlocks      blocks that can be handed out (all but the reserved null block)
 * @param usedBlocks        blocks held by at least one sequence
 * @param freeBlocks        blocks with refcount 0, cached-free ones included ({@code usable - used})
 * @param cachedBlocks      blocks registered in the prefix cache, in use or cached-free
 * @param prefixQueryTokens prompt tokens looked up by findCachedPrefix (counted per call, in tokens)
 * @param prefixHitTokens   of those, tokens served from the cache
 * @param evictions         cache entries dropped because their free block was reallocated
 * @param blockCopies       copy-on-write block copies issued
 */
public record KvCacheStats(int usableBlocks, int usedBlocks, int freeBlocks, int cachedBlocks,
                           long prefixQueryTokens, long prefixHitTokens, long evictions, long blockCopies) {

    /** Fraction of usable blocks held by sequences, in [0, 1]; cached-free blocks do not count as used. */
    public double usage() {
        return (double) usedBlocks / usableBlocks;
    }

    /** Fraction of queried prompt tokens that hit the prefix cache; 0 before any query. */
    public double prefixHitRate() {
        return prefixQueryTokens == 0 ? 0.0 : (double) prefixHitTokens / prefixQueryTokens;
    }
}
