package dev.infer.batching.scheduler;

/** Submit refused because the waiting queue is full; front ends answer 429 / RESOURCE_EXHAUSTED. */
public final class OverloadedException extends RuntimeException {
    public OverloadedException(String message) {
        super(message);
    }
}
