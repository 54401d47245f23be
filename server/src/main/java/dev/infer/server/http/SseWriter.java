package dev.infer.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events over a chunked response: one {@link DefaultHttpContent} per {@code data: …\n\n} event, a
 * {@code : keep-alive} comment after each silent {@link StreamLimits#keepAlive()}, and a cut-off for a client
 * that reads slower than we write (see {@link StreamLimits#maxPendingBytes()}). Used on the event loop only.
 */
final class SseWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SseWriter.class);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    /** The header that names the engine's request id (for /v1/requests/{id}/end_thinking). */
    static final String REQUEST_ID = "X-Request-Id";
    private final ChannelHandlerContext ctx;
    private final StreamLimits limits;
    private ScheduledFuture<?> keepAlive;
    /**
     * Stops the timer if the client leaves mid-stream. Removed when the stream ends, so a keep-alive connection
     * that serves many streams does not collect one listener per stream.
     */
    private final GenericFutureListener<Future<? super Void>> onClose = f -> stopKeepAlive();
    private boolean wroteSinceTick;

    SseWriter(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        StreamLimits set = ctx.channel().attr(StreamLimits.KEY).get();
        this.limits = set != null ? set : StreamLimits.defaults();
    }

    void open(String requestId) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(REQUEST_ID, requestId)
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.write(r);
        long every = limits.keepAlive().toMillis();
        keepAlive = ctx.executor().scheduleAtFixedRate(this::keepAliveTick, every, every, TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(onClose);
    }

    void event(String data) {
        send(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code data: [DONE]} and ends the response. */
    void done() {
        stopKeepAlive();
        event("[DONE]");
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    private void send(byte[] bytes) {
        if (!ctx.channel().isActive()) {
            return;
        }
        wroteSinceTick = true;
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
        // What the socket has not taken yet stays queued in Netty; past the limit the reader is too slow to serve.
        if (ctx.channel().bytesBeforeWritable() > limits.maxPendingBytes()) {
            LOG.warn("closing {}: the client left more than {} bytes of its stream unread",
                    ctx.channel().remoteAddress(), limits.maxPendingBytes());
            stopKeepAlive();
            ctx.close(); // channelInactive cancels the request and frees its KV blocks
        }
    }

    private void keepAliveTick() {
        if (!wroteSinceTick) {
            send(KEEP_ALIVE);
        }
        wroteSinceTick = false;
    }

    private void stopKeepAlive() {
        if (keepAlive != null) {
            keepAlive.cancel(false);
            keepAlive = null;
            ctx.channel().closeFuture().removeListener(onClose);
        }
    }
}
