package dev.infer.batching;

/** The tokens one sequence produced and why it stopped. */
public record GenerationResult(int[] promptTokenIds, int[] tokenIds, FinishReason finishReason) {
}
