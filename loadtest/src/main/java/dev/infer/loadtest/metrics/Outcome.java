package dev.infer.loadtest.metrics;

/** How a request ended. Only {@link #OK} requests count towards latencies, throughput and goodput. */
public enum Outcome {
    /** The server finished the answer. */
    OK,
    /** The server refused or failed it (a non-2xx status, an error chunk, a broken connection). */
    ERROR,
    /** We cancelled it mid-stream on purpose ({@code --cancel-fraction}). */
    CANCELLED,
    /** It passed its deadline ({@code --request-timeout} or the run's wall-time limit) and was abandoned. */
    TIMEOUT
}
