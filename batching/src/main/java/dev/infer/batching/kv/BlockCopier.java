package dev.infer.batching.kv;

/**
 * Copies whole KV blocks {@code src[i] -> dst[i]} for copy-on-write. In production this is
 * {@code kvCache::copyBlocks} of {@link dev.infer.engines.KvCache}; tests pass a recorder, so no engine is needed.
 *
 * <p>Pairs must take effect in array order: a block freed and reused within one step can be the source of an
 * earlier pair and the destination of a later one.
 */
@FunctionalInterface
public interface BlockCopier {
    void copyBlocks(int[] src, int[] dst);
}
