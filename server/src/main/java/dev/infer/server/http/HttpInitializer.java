package dev.infer.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;

/** The pipeline, top to bottom: codec → keep-alive → body limit (413) → routing and the endpoints. */
final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    private final ServingContext context;
    private final Router router;
    private final int maxBodyBytes;
    private final StreamLimits streams;

    HttpInitializer(ServingContext context, int maxBodyBytes, StreamLimits streams) {
        this.context = context;
        this.router = Router.standard(context);
        this.maxBodyBytes = maxBodyBytes;
        this.streams = streams;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.attr(StreamLimits.KEY).set(streams);
        ch.pipeline()
                .addLast("codec", new HttpServerCodec())
                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                .addLast("body-limit", new LimitedAggregator(maxBodyBytes))
                .addLast("handler", new HttpRequestHandler(context, router));
    }

    /**
     * An aggregator whose 413 carries an OpenAI error body. On a keep-alive connection it leaves the connection
     * open and lets the aggregator discard the rest of the body: closing while the client is still uploading
     * resets the connection, and the client may then never read the 413 (it sees "connection reset" instead).
     */
    private static final class LimitedAggregator extends HttpObjectAggregator {
        private final int limit;

        LimitedAggregator(int limit) {
            super(limit);
            this.limit = limit;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            FullHttpResponse r = OpenAiErrors.response(new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "invalid_request_error", "request body exceeds the limit of " + limit + " bytes", null, null));
            if (oversized instanceof FullHttpMessage || !HttpUtil.isKeepAlive(oversized)) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            }
        }
    }
}
