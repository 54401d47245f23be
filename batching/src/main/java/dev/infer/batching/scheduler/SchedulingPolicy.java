package dev.infer.batching.scheduler;

/** Order of admission and choice of preemption victims. */
public enum SchedulingPolicy {
    /** First come, first served; the latest running sequence is preempted first. */
    FCFS,
    /** Lower {@code priority} value first (vLLM's convention), then arrival; the lowest-priority, latest is preempted. */
    PRIORITY
}
