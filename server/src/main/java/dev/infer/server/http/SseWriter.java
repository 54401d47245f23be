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

import java.nio.charset.StandardCharsets;

/** Server-sent events over a chunked response: one {@link DefaultHttpContent} per {@code data: …\n\n} event. */
final class SseWriter {
    /** The header that names the engine's request id (for /v1/requests/{id}/end_thinking). */
    static final String REQUEST_ID = "X-Request-Id";
    private final ChannelHandlerContext ctx;

    SseWriter(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void open(String requestId) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(REQUEST_ID, requestId)
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.write(r);
    }

    void event(String data) {
        byte[] bytes = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
    }

    /** Sends {@code data: [DONE]} and ends the response. */
    void done() {
        event("[DONE]");
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
}
