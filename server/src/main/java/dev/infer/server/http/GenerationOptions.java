package dev.infer.server.http;

import dev.infer.batching.sampling.SamplingParams;
import dev.infer.batching.thinking.ThinkingParams;

/**
 * A generation request's settings beyond the prompt: sampling, thinking, and how the answer is sent back.
 *
 * @param thinking the thinking limits of a chat request to a reasoning model (its output is split into
 *                 reasoning_content and content); null otherwise
 */
record GenerationOptions(SamplingParams params, boolean stream, boolean includeUsage, int priority,
                         boolean returnTokenIds, ThinkingParams thinking) {
    GenerationOptions withThinking(ThinkingParams t) {
        return new GenerationOptions(params, stream, includeUsage, priority, returnTokenIds, t);
    }
}
