package dev.infer.batching.thinking;

import java.time.Duration;

/**
 * {@code --thinking-load-policy adaptive}: budgets shrink while the server is overloaded and grow back once it
 * is not. Every {@code interval} it looks at two signals: the waiting queue now, and the mean time to first token
 * of the requests that got their first token during the interval. When either passes its threshold the scale is
 * multiplied by {@code shrinkFactor}; when both are below half their thresholds (hysteresis, so the scale does not
 * flap around a threshold) it grows by {@code growStep}, up to 1; in between it holds. Shrinking is fast and growing
 * slow, as in TCP's AIMD: a burst is answered within an interval or two, and the budgets come back gradually.
 * Time comes from the caller ({@link #onStep}), so tests drive it with a simulated clock.
 */
public final class AdaptiveThinkingPolicy implements ThinkingLoadPolicy {
    /**
     * @param queueThreshold waiting requests beyond which the server counts as overloaded
     * @param ttftThreshold  mean time to first token beyond which it counts as overloaded
     * @param interval       how often the scale is reconsidered
     * @param shrinkFactor   in (0, 1): the scale is multiplied by it while overloaded
     * @param growStep       in (0, 1]: added to the scale while unloaded
     */
    public record Settings(int queueThreshold, Duration ttftThreshold, Duration interval, double shrinkFactor,
                           double growStep) {
        public Settings {
            if (queueThreshold < 0 || ttftThreshold.isNegative() || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("thinking load thresholds must be >= 0 and the interval > 0");
            }
            if (!(shrinkFactor > 0 && shrinkFactor < 1) || !(growStep > 0 && growStep <= 1)) {
                throw new IllegalArgumentException("shrink factor must be in (0, 1) and grow step in (0, 1], got "
                        + shrinkFactor + " and " + growStep);
            }
        }

        public static Settings defaults() {
            return new Settings(8, Duration.ofSeconds(2), Duration.ofMillis(250), 0.5, 0.1);
        }
    }

    /** Below this the scale snaps to 0, so repeated halving reaches the minimum instead of creeping toward it. */
    private static final double FLOOR = 1.0 / 64;

    private final Settings settings;
    private final long intervalNanos;
    private volatile double scale = 1;
    private long lastDecision = Long.MIN_VALUE;
    private int lastWaiting;
    private long ttftSum;
    private int ttftCount;
    private long adjustments;

    public AdaptiveThinkingPolicy(Settings settings) {
        this.settings = settings;
        this.intervalNanos = settings.interval().toNanos();
    }

    @Override
    public double scale() {
        return scale;
    }

    /** How many times the scale changed (for tests and logs). */
    public long adjustments() {
        return adjustments;
    }

    @Override
    public void onFirstToken(long timeToFirstTokenNanos) {
        ttftSum += timeToFirstTokenNanos;
        ttftCount++;
    }

    @Override
    public void onStep(long nowNanos, int waiting) {
        lastWaiting = waiting;
        if (lastDecision == Long.MIN_VALUE) {
            lastDecision = nowNanos;
            return;
        }
        if (nowNanos - lastDecision < intervalNanos) {
            return;
        }
        lastDecision = nowNanos;
        long meanTtft = ttftCount == 0 ? 0 : ttftSum / ttftCount;
        ttftSum = 0;
        ttftCount = 0;
        decide(lastWaiting, meanTtft);
    }

    private void decide(int waiting, long meanTtftNanos) {
        long ttftLimit = settings.ttftThreshold().toNanos();
        double next = scale;
        if (waiting > settings.queueThreshold() || meanTtftNanos > ttftLimit) {
            next = scale * settings.shrinkFactor();
            next = next < FLOOR ? 0 : next;
        } else if (2L * waiting <= settings.queueThreshold() && 2 * meanTtftNanos <= ttftLimit) {
            next = Math.min(1, scale + settings.growStep());
        }
        if (next != scale) {
            scale = next;
            adjustments++;
        }
    }
}
