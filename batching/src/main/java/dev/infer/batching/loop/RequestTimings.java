package dev.infer.batching.loop;

/**
 * When a request was submitted, first scheduled, produced its first token and finished ({@link System#nanoTime()};
 * 0 where it has not happened), and how often it was preempted.
 */
public record RequestTimings(long submittedNanos, long scheduledNanos, long firstTokenNanos, long finishedNanos,
                             int preemptions) {
    public long queueNanos() {
        return scheduledNanos == 0 ? 0 : scheduledNanos - submittedNanos;
    }

    public long timeToFirstTokenNanos() {
        return firstTokenNanos == 0 ? 0 : firstTokenNanos - submittedNanos;
    }
}
