package dev.infer.server.metrics;

import dev.infer.batching.loop.RequestTimings;
import dev.infer.batching.loop.TokenDelta;

/**
 * One request's metrics, fed every delta (on the engine loop's thread). Each finished completion counts in
 * {@code inference_request_success_total}; when the last of the {@code n} finishes, the request's tokens are
 * counted (as its {@code usage} reports them) and its latencies observed.
 */
public final class RequestRecorder {
    private static final double NANOS = 1e9;

    private final ServerMetrics metrics;
    private int open;
    private long generated;

    RequestRecorder(ServerMetrics metrics, int n) {
        this.metrics = metrics;
        this.open = n;
    }

    public synchronized void onDelta(TokenDelta d) {
        if (open <= 0) {
            return;
        }
        if (d.sample() != null) {
            generated++;
        }
        if (!d.isFinal()) {
            return;
        }
        metrics.requestSuccess.labels(d.finishReason().apiName()).inc();
        if (--open > 0) {
            return;
        }
        metrics.promptTokens.inc(d.promptTokens());
        metrics.generationTokens.inc(generated);
        RequestTimings t = d.timings();
        if (t == null || t.finishedNanos() == 0) {
            return;
        }
        metrics.e2eLatency.observe((t.finishedNanos() - t.submittedNanos()) / NANOS);
        if (t.firstTokenNanos() != 0) {
            metrics.timeToFirstToken.observe(t.timeToFirstTokenNanos() / NANOS);
            if (d.completionTokens() > 1) {
                metrics.timePerOutputToken.observe(
                        (t.finishedNanos() - t.firstTokenNanos()) / NANOS / (d.completionTokens() - 1));
            }
        }
    }
}
