package dev.infer.server.http;

import dev.infer.batching.loop.EngineLoop;

/**
 * The engine request a connection is waiting on, so a client that goes away cancels it (freeing its KV blocks).
 * Confined to the connection's event loop.
 */
final class InFlight {
    private static final long NONE = -1;
    private long requestId = NONE;

    void started(long id) {
        requestId = id;
    }

    void finished(long id) {
        if (requestId == id) {
            requestId = NONE;
        }
    }

    /** Cancels the request still running, if any. */
    void cancel(EngineLoop loop) {
        if (requestId != NONE) {
            loop.cancel(requestId);
            requestId = NONE;
        }
    }
}
