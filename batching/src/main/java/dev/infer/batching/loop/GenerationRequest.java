package dev.infer.batching.loop;

import dev.infer.batching.sampling.SamplingParams;

/**
 * One request to the engine loop.
 *
 * @param priority       lower runs first under the priority policy (vLLM's convention)
 * @param cacheKey       what besides tokens changes K/V (e.g. an adapter id); null for none
 * @param deadlineNanos  {@link System#nanoTime()} after which the request is aborted; 0 for none
 */
public record GenerationRequest(int[] promptTokenIds, SamplingParams params, int priority, String cacheKey,
                                long deadlineNanos) {
    public GenerationRequest {
        if (promptTokenIds.length == 0) {
            throw new IllegalArgumentException("prompt: at least one token is needed");
        }
        promptTokenIds = promptTokenIds.clone();
    }

    public static GenerationRequest of(int[] promptTokenIds, SamplingParams params) {
        return new GenerationRequest(promptTokenIds, params, 0, null, 0);
    }
}
