package dev.infer.loadtest.load;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A level's shared limits: the request budget (each request takes a number in order) and the deadline after
 * which nothing new starts and running requests are abandoned.
 */
final class LevelClock {
    private final long startNanos;
    private final long deadlineNanos;
    private final int maxRequests;
    private final AtomicInteger issued = new AtomicInteger();

    LevelClock(Duration maxDuration, int maxRequests) {
        this.startNanos = System.nanoTime();
        this.deadlineNanos = startNanos + maxDuration.toNanos();
        this.maxRequests = maxRequests;
    }

    /** The next request's number, or -1 when the budget is spent or the deadline passed. */
    int takeRequest() {
        if (expired()) {
            return -1;
        }
        int i = issued.getAndIncrement();
        return maxRequests > 0 && i >= maxRequests ? -1 : i;
    }

    boolean exhausted() {
        return expired() || (maxRequests > 0 && issued.get() >= maxRequests);
    }

    boolean expired() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    double elapsedMs() {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** The request timeout, shortened so that no request outlives the deadline. */
    Duration timeoutFromNow(Duration requestTimeout) {
        long left = deadlineNanos - System.nanoTime();
        return Duration.ofNanos(Math.max(1_000_000, Math.min(left, requestTimeout.toNanos())));
    }

    /** Sleeps until {@code ms} after the start or the deadline, whichever is first. */
    void sleepUntil(double ms) throws InterruptedException {
        long target = Math.min(startNanos + (long) (ms * 1e6), deadlineNanos);
        long wait = target - System.nanoTime();
        if (wait > 0) {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }
}
