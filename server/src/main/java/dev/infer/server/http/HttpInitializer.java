package dev.infer.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/** The pipeline, top to bottom: codec → keep-alive → body limit (413) → routing and the endpoints. */
final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    private final ServingContext context;
    private final Router router;
    private final int maxBodyBytes;

    HttpInitializer(ServingContext context, int maxBodyBytes) {
        this.context = context;
        this.router = Router.standard(context);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("codec", new HttpServerCodec())
                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                .addLast("body-limit", new LimitedAggregator(maxBodyBytes))
                .addLast("handler", new HttpRequestHandler(context, router));
    }

    /** An aggregator whose 413 carries an OpenAI error body and closes the connection. */
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
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
