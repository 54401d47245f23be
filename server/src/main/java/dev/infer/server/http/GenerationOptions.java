package dev.infer.server.http;

import dev.infer.batching.sampling.SamplingParams;

/** A generation request's settings beyond the prompt: sampling, and how the answer is sent back. */
record GenerationOptions(SamplingParams params, boolean stream, boolean includeUsage, int priority,
                         boolean returnTokenIds) {
}
