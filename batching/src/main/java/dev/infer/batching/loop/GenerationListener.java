package dev.infer.batching.loop;

/**
 * Receives a request's deltas, in order, on the engine loop's thread: it must hand them off without blocking
 * (a slow consumer would stall every request). The last delta has a finish reason; nothing follows it.
 * An exception thrown here cancels the request (the client is treated as gone).
 */
@FunctionalInterface
public interface GenerationListener {
    void onDelta(TokenDelta delta);
}
