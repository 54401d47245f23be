package dev.infer.server.http;

import dev.infer.batching.loop.EngineLoop;

/**
 * The engine requests a connection is waiting on (one per prompt of a batched completion), so a client that goes
 * away cancels them all (freeing their KV blocks), and so the connection knows when it may start on its next
 * (pipelined) request. Confined to the connection's event loop.
 */
final class InFlight {
    private static final long[] NONE = new long[0];
    private final Runnable onIdle;
    private long[] requestIds = NONE;

    /** @param onIdle runs when a started request has finished and its answer is written */
    InFlight(Runnable onIdle) {
        this.onIdle = onIdle;
    }

    /** @param ids the engine requests that together make up one HTTP answer; the array is kept, not copied */
    void started(long[] ids) {
        requestIds = ids;
    }

    /**
     * Called after the answer has been written in full, with the array given to {@link #started}: compared by
     * identity, so an answer the connection already gave up on (cancelled) cannot start the next one twice.
     */
    void finished(long[] ids) {
        if (requestIds == ids && ids != NONE) {
            requestIds = NONE;
            onIdle.run();
        }
    }

    boolean active() {
        return requestIds != NONE;
    }

    /** Cancels the requests still running, if any. */
    void cancel(EngineLoop loop) {
        for (long id : requestIds) {
            loop.cancel(id);
        }
        requestIds = NONE;
    }
}
