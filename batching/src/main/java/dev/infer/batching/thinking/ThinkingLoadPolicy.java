package dev.infer.batching.thinking;

/**
 * How thinking budgets bend under load: a scale in [0, 1] that the engine loop applies to every thinking budget
 * (new and running) each step, between the request's minimum (scale 0) and its full budget (scale 1). Fed and read
 * on the engine loop's thread; {@link #scale()} may also be read from others (metrics).
 */
public interface ThinkingLoadPolicy {
    /** The current scale, in [0, 1]. */
    double scale();

    /** One engine-loop iteration at {@code nowNanos} with {@code waiting} requests queued. */
    void onStep(long nowNanos, int waiting);

    /** A request's time to first token, measured when its first token was produced. */
    void onFirstToken(long timeToFirstTokenNanos);

    /** Budgets as requested, whatever the load. */
    static ThinkingLoadPolicy fixed() {
        return new ThinkingLoadPolicy() {
            @Override
            public double scale() {
                return 1;
            }

            @Override
            public void onStep(long nowNanos, int waiting) {
            }

            @Override
            public void onFirstToken(long timeToFirstTokenNanos) {
            }
        };
    }
}
