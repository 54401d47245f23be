package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /v1/models}, {@code /health} (200 while the engine loop runs, else 503) and {@code /ready}. */
final class InfoEndpoints {
    private final ServingContext context;
    private final long created = System.currentTimeMillis() / 1000;

    InfoEndpoints(ServingContext context) {
        this.context = context;
    }

    void models(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight) {
        ObjectNode root = context.mapper().createObjectNode().put("object", "list");
        root.putArray("data").addObject().put("id", context.model().servedName()).put("object", "model")
                .put("created", created).put("owned_by", "inference-server")
                .put("max_model_len", context.model().contextLength());
        ctx.writeAndFlush(OpenAiErrors.json(HttpResponseStatus.OK, root.toString()));
    }

    void health(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight) {
        boolean alive = context.model().loop().isAlive();
        ctx.writeAndFlush(OpenAiErrors.json(alive ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                "{\"status\":\"" + (alive ? "ok" : "unavailable") + "\"}"));
    }

    void ready(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight) {
        boolean ready = context.model().loop().isAlive() && !context.draining();
        ctx.writeAndFlush(OpenAiErrors.json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                "{\"ready\":" + ready + "}"));
    }
}
