package dev.infer.batching.scheduler;

/** Lifecycle of a sequence; every status from {@link #FINISHED_STOPPED} on is final. */
public enum SequenceStatus {
    WAITING,
    RUNNING,
    /** Preempted by recompute: blocks freed, back at the front of the queue. */
    PREEMPTED,
    FINISHED_STOPPED,
    FINISHED_LENGTH,
    FINISHED_ABORTED,
    FINISHED_ERROR;

    public boolean isFinished() {
        return compareTo(FINISHED_STOPPED) >= 0;
    }
}
