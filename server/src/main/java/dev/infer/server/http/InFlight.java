package dev.infer.server.http;

import dev.infer.batching.loop.EngineLoop;

/**
 * The engine request a connection is waiting on, so a client that goes away cancels it (freeing its KV blocks),
 * and so the connection knows when it may start on its next (pipelined) request. Confined to the connection's
 * event loop.
 */
final class InFlight {
    private static final long NONE = -1;
    private final Runnable onIdle;
    private long requestId = NONE;

    /** @param onIdle runs when a started request has finished and its answer is written */
    InFlight(Runnable onIdle) {
        this.onIdle = onIdle;
    }

    void started(long id) {
        requestId = id;
    }

    /** Called after the request's answer has been written in full. */
    void finished(long id) {
        if (requestId == id) {
            requestId = NONE;
            onIdle.run();
        }
    }

    boolean active() {
        return requestId != NONE;
    }

    /** Cancels the request still running, if any. */
    void cancel(EngineLoop loop) {
        if (requestId != NONE) {
            loop.cancel(requestId);
            requestId = NONE;
        }
    }
}
