package dev.infer.loadtest.client;

import dev.infer.loadtest.metrics.Outcome;

/**
 * What a client saw of one request, times in milliseconds from the moment it was sent (see
 * {@link dev.infer.loadtest.metrics.RequestRecord} for the fields), plus the answer text for multi-turn chats.
 * Token counts are -1 when neither the server nor the stream told them.
 */
public record ClientResult(double[] chunkMs, double endMs, int promptTokens, int outputTokens, int reasoningChunks,
                           Outcome outcome, String status, String error, Double queueMs, String answer) {
}
