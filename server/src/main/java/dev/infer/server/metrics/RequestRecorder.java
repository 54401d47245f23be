package dev.infer.server.metrics;

import dev.infer.batching.loop.RequestTimings;
import dev.infer.batching.loop.TokenDelta;
import dev.infer.batching.thinking.ThinkingEnd;
import dev.infer.batching.thinking.ThinkingReport;

/**
 * One request's metrics, fed every delta (on the engine loop's thread). Each token after a completion's first
 * observes the gap since that completion's previous token in {@code vllm:inter_token_latency_seconds} (the
 * deltas' arrival times, per completion); each finished completion counts in {@code vllm:request_success_total}.
 * When the last of the {@code n} finishes, the request's tokens are counted (as its {@code usage} reports them)
 * and its latencies and token counts observed. A completion that thought observes its reasoning tokens and counts
 * a forced end and its extensions.
 */
public final class RequestRecorder {
    private static final double NANOS = 1e9;

    private final ServerMetrics metrics;
    /** Arrival time of each completion's latest token ({@link System#nanoTime()}), 0 before its first. */
    private final long[] lastTokenNanos;
    private int open;
    private long generated;

    RequestRecorder(ServerMetrics metrics, int n) {
        this.metrics = metrics;
        this.open = n;
        this.lastTokenNanos = new long[Math.max(n, 1)];
    }

    private void recordThinking(ThinkingReport thinking) {
        if (thinking == null || thinking.end() == ThinkingEnd.NONE) {
            return;
        }
        metrics.requestReasoningTokens.observe(thinking.reasoningTokens());
        if (thinking.end().forced()) {
            metrics.thinkingForcedEnd(thinking.end().apiName());
        }
        metrics.thinkingExtensions.inc(thinking.extensions());
    }

    public synchronized void onDelta(TokenDelta d) {
        if (open <= 0) {
            return;
        }
        if (d.sample() != null) {
            generated++;
            int i = d.index();
            if (i >= 0 && i < lastTokenNanos.length) {
                long now = System.nanoTime();
                if (lastTokenNanos[i] != 0) {
                    metrics.interTokenLatency.observe((now - lastTokenNanos[i]) / NANOS);
                }
                lastTokenNanos[i] = now;
            }
        }
        if (!d.isFinal()) {
            return;
        }
        metrics.requestFinished(d.finishReason().apiName());
        recordThinking(d.thinking());
        if (--open > 0) {
            return;
        }
        metrics.promptTokens.inc(d.promptTokens());
        metrics.generationTokens.inc(generated);
        metrics.requestPromptTokens.observe(d.promptTokens());
        metrics.requestGenerationTokens.observe(generated);
        RequestTimings t = d.timings();
        if (t == null || t.finishedNanos() == 0) {
            return;
        }
        metrics.e2eLatency.observe((t.finishedNanos() - t.submittedNanos()) / NANOS);
        if (t.scheduledNanos() != 0) {
            metrics.queueTime.observe(t.queueNanos() / NANOS);
        }
        if (t.firstTokenNanos() != 0) {
            metrics.timeToFirstToken.observe(t.timeToFirstTokenNanos() / NANOS);
            if (d.completionTokens() > 1) {
                metrics.timePerOutputToken.observe(
                        (t.finishedNanos() - t.firstTokenNanos()) / NANOS / (d.completionTokens() - 1));
            }
        }
    }
}
