package dev.infer.batching.loop;

import dev.infer.batching.sampling.SamplingParams;
import dev.infer.batching.thinking.ThinkingParams;

/**
 * One request to the engine loop.
 *
 * @param priority       lower runs first under the priority policy (vLLM's convention)
 * @param cacheKey       what besides tokens changes K/V (e.g. an adapter id); null for none
 * @param deadlineNanos  {@link System#nanoTime()} after which the request is aborted; 0 for none
 * @param thinking       the thinking limits, which also ask for the output to be split into thinking and answer
 *                       (on a reasoning model); null leaves the output as the model writes it (raw completions)
 */
public record GenerationRequest(int[] promptTokenIds, SamplingParams params, int priority, String cacheKey,
                                long deadlineNanos, ThinkingParams thinking) {
    public GenerationRequest {
        if (promptTokenIds.length == 0) {
            throw new IllegalArgumentException("prompt: at least one token is needed");
        }
        promptTokenIds = promptTokenIds.clone();
    }

    /** A request whose output is not split into thinking and answer. */
    public GenerationRequest(int[] promptTokenIds, SamplingParams params, int priority, String cacheKey,
                             long deadlineNanos) {
        this(promptTokenIds, params, priority, cacheKey, deadlineNanos, null);
    }

    public static GenerationRequest of(int[] promptTokenIds, SamplingParams params) {
        return new GenerationRequest(promptTokenIds, params, 0, null, 0);
    }

    /** The same request as completion {@code index} of its n (see {@link SamplingParams#forChoice}). */
    GenerationRequest forChoice(int index) {
        return new GenerationRequest(promptTokenIds, params.forChoice(index), priority, cacheKey, deadlineNanos,
                thinking);
    }
}
