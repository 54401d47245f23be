package dev.infer.batching.loop;

/**
 * Told about every engine step, on the loop thread right after it: for metrics such as tokens per iteration.
 * Must be quick and must not throw.
 */
@FunctionalInterface
public interface StepObserver {
    StepObserver NONE = (tokens, sequences, nanos) -> { };

    /**
     * @param tokens    tokens the step computed (prefill chunks and decode tokens together)
     * @param sequences sequences in the step
     * @param nanos     wall time of the forward pass and sampling
     */
    void onStep(int tokens, int sequences, long nanos);
}
