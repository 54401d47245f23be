package dev.infer.server.serving;

/**
 * How the engine loop and its KV cache are sized (the {@code serve} command's scheduler and cache flags).
 *
 * @param kvCacheMemory     a size such as "2GiB", or null to use {@code kvCacheFraction} of available memory
 * @param kvCacheFraction   fraction of the memory available now, used when {@code kvCacheMemory} is null
 * @param maxQueuedRequests requests waiting beyond which submit answers "overloaded" (429)
 */
public record EngineSettings(int blockSize, String kvCacheMemory, double kvCacheFraction, int maxNumBatchedTokens,
                             int maxNumSeqs, int maxQueuedRequests, boolean prefixCaching) {
    public EngineSettings {
        if (blockSize <= 0 || maxNumBatchedTokens <= 0 || maxNumSeqs <= 0 || maxQueuedRequests <= 0) {
            throw new IllegalArgumentException("--block-size, --max-num-batched-tokens, --max-num-seqs and "
                    + "--max-queued-requests must be > 0");
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(16, null, 0.3, 2048, 256, 10_000, true);
    }

    public EngineSettings withKvCacheMemory(String size) {
        return new EngineSettings(blockSize, size, kvCacheFraction, maxNumBatchedTokens, maxNumSeqs, maxQueuedRequests,
                prefixCaching);
    }

    public EngineSettings withMaxNumSeqs(int n) {
        return new EngineSettings(blockSize, kvCacheMemory, kvCacheFraction, maxNumBatchedTokens, n, maxQueuedRequests,
                prefixCaching);
    }

    public EngineSettings withMaxQueuedRequests(int n) {
        return new EngineSettings(blockSize, kvCacheMemory, kvCacheFraction, maxNumBatchedTokens, maxNumSeqs, n,
                prefixCaching);
    }
}
