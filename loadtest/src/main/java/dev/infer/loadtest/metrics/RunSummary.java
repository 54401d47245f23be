package dev.infer.loadtest.metrics;

import java.util.Map;

/**
 * The figures of one run (one load level). Throughputs divide by {@code durationS}, the time from the run's
 * start to the end of its last request. Token counts and latencies cover completed ({@link Outcome#OK})
 * requests only; {@code peakConcurrency} counts every request, finished or not.
 */
public record RunSummary(int requests, int completed, int failed, int cancelled, int timedOut, double durationS,
                         double requestThroughput, double outputThroughput, double totalThroughput,
                         long promptTokens, long outputTokens, int peakConcurrency, double goodput, int goodRequests,
                         Distribution ttftMs, Distribution tpotMs, Distribution itlMs, Distribution e2eMs,
                         Distribution queueMs, Map<String, Integer> errorsByStatus, long reasoningChunks,
                         long answerChunks, int requestsWithReasoning) {
    public RunSummary {
        errorsByStatus = Map.copyOf(errorsByStatus);
    }

    /** Whether the server reported queue time for any request. */
    public boolean queueReported() {
        return queueMs.count() > 0;
    }
}
