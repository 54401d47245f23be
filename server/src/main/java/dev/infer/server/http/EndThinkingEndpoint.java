package dev.infer.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /v1/requests/{id}/end_thinking}: ends the thinking of a running request at its next step (the id is
 * the {@code X-Request-Id} header of its response). It only queues a command for the engine loop; 404 when no
 * such request is in flight. A reply that is not thinking (any more) ignores it.
 */
final class EndThinkingEndpoint implements Endpoint {
    static final String PREFIX = "/v1/requests/";
    static final String SUFFIX = "/end_thinking";

    private final ServingContext context;

    EndThinkingEndpoint(ServingContext context) {
        this.context = context;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight) {
        String path = Router.path(request.uri());
        String id = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        long requestId;
        try {
            requestId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no request " + id + " is in flight", "request_not_found");
        }
        if (!context.model().loop().endThinking(requestId)) {
            throw ApiException.notFound("no request " + id + " is in flight", "request_not_found");
        }
        String body = context.mapper().createObjectNode().put("id", id).put("object", "request.end_thinking")
                .put("accepted", true).toString();
        ctx.writeAndFlush(OpenAiErrors.json(HttpResponseStatus.OK, body));
    }
}
