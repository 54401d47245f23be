package dev.infer.server.http;

import io.netty.util.AttributeKey;

import java.time.Duration;

/**
 * How a streamed (SSE) answer treats silence and slow readers.
 *
 * @param keepAlive       after this long without an event, a {@code : keep-alive} comment is sent, so proxies and
 *                        clients with idle timeouts do not drop long silent streams (a long wait in the queue, a
 *                        long prompt, text held back)
 * @param maxPendingBytes a client that lets more than this much of its stream pile up unsent is cut off and its
 *                        request cancelled: the server never buffers a slow reader's stream without bound
 */
public record StreamLimits(Duration keepAlive, long maxPendingBytes) {
    /** Where a connection's channel keeps its limits, for the writers created per request. */
    static final AttributeKey<StreamLimits> KEY = AttributeKey.valueOf(StreamLimits.class.getName());

    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);
    public static final long DEFAULT_MAX_PENDING_BYTES = 4L << 20;

    public StreamLimits {
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("the SSE keep-alive interval must be positive, got " + keepAlive);
        }
        if (maxPendingBytes < 1) {
            throw new IllegalArgumentException("the pending stream limit must be positive, got " + maxPendingBytes);
        }
    }

    public static StreamLimits defaults() {
        return new StreamLimits(DEFAULT_KEEP_ALIVE, DEFAULT_MAX_PENDING_BYTES);
    }
}
