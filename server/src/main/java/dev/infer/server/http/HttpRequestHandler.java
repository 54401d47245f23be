package dev.infer.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One connection's requests: checks the body decoded, the server not draining and the API key, routes to an
 * endpoint and answers its refusal in OpenAI's error shape. A client that disconnects cancels its request.
 * HTTP/1.1 pipelining: answers must leave in the order the requests came, so a request that arrives while a
 * generation is still answering waits in a short queue; past {@link #MAX_PIPELINED} the connection stops reading.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestHandler.class);
    private static final String BEARER = "Bearer ";

    private final ServingContext context;
    private final Router router;
    private static final int MAX_PIPELINED = 8;

    private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();
    private InFlight inFlight;
    private ChannelHandlerContext ctx;

    HttpRequestHandler(ServingContext context, Router router) {
        this.context = context;
        this.router = router;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.inFlight = new InFlight(this::nextPipelined);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (inFlight.active() || !pipelined.isEmpty()) {
            pipelined.add(request.retain());
            if (pipelined.size() >= MAX_PIPELINED) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        serve(request);
    }

    /** Serves the queued requests until one of them starts a generation (which calls back here when done). */
    private void nextPipelined() {
        FullHttpRequest next;
        while (!inFlight.active() && (next = pipelined.poll()) != null) {
            try {
                serve(next);
            } finally {
                next.release();
            }
        }
        if (pipelined.size() < MAX_PIPELINED && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void serve(FullHttpRequest request) {
        try {
            if (!request.decoderResult().isSuccess()) {
                throw ApiException.badRequest("malformed HTTP request: " + request.decoderResult().cause(), null);
            }
            if (context.draining()) {
                throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "service_unavailable",
                        "the server is shutting down", null, null);
            }
            Endpoint endpoint = router.route(request.method(), request.uri());
            if (Router.isProtected(request.uri()) && context.requiresKey() && !context.keyMatches(bearer(request))) {
                throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "authentication_error",
                        "missing or invalid API key (send 'Authorization: Bearer <key>')", null, "invalid_api_key");
            }
            endpoint.handle(ctx, request, inFlight);
        } catch (ApiException e) {
            reply(ctx, OpenAiErrors.response(e));
        }
    }

    private static String bearer(FullHttpRequest request) {
        String h = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        return h != null && h.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? h.substring(BEARER.length()).trim()
                : null;
    }

    private static void reply(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        inFlight.cancel(context.model().loop());
        releasePipelined();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing connection {} after an error", ctx.channel().remoteAddress(), cause);
        inFlight.cancel(context.model().loop());
        releasePipelined();
        ctx.close();
    }

    private void releasePipelined() {
        FullHttpRequest r;
        while ((r = pipelined.poll()) != null) {
            r.release();
        }
    }

}
