package dev.infer.batching.scheduler;

/**
 * Limits of one scheduler.
 *
 * @param maxNumBatchedTokens  tokens per step (decodes + prefill chunks), vLLM's {@code --max-num-batched-tokens}
 * @param maxNumSeqs           sequences per step
 * @param maxQueuedRequests    waiting requests beyond which submit fails fast (overload)
 * @param maxQueuedPromptTokens prompt tokens waiting beyond which submit fails fast
 */
public record SchedulerConfig(int maxNumBatchedTokens, int maxNumSeqs, SchedulingPolicy policy,
                              int maxQueuedRequests, long maxQueuedPromptTokens) {
    public SchedulerConfig {
        if (maxNumBatchedTokens <= 0 || maxNumSeqs <= 0 || maxQueuedRequests <= 0 || maxQueuedPromptTokens <= 0) {
            throw new IllegalArgumentException("scheduler limits must be > 0: " + maxNumBatchedTokens + ", "
                    + maxNumSeqs + ", " + maxQueuedRequests + ", " + maxQueuedPromptTokens);
        }
    }

    public static SchedulerConfig defaults() {
        return new SchedulerConfig(2048, 256, SchedulingPolicy.FCFS, 10_000, 10_000_000L);
    }
}
