package dev.infer.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/** One route's logic. Runs on the connection's event loop; throws {@link ApiException} to refuse a request. */
@FunctionalInterface
interface Endpoint {
    void handle(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight);
}
