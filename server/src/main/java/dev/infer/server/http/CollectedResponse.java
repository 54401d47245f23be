package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.loop.TokenDelta;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;

/** A non-streamed answer: one JSON object once every choice has finished. */
final class CollectedResponse extends ResponseSink {
    private final List<int[]> prompts;

    CollectedResponse(ChannelHandlerContext ctx, ResponseShape shape, GenerationOptions options, ResponseHeader header,
                      InFlight inFlight, ChoiceLayout layout, List<int[]> prompts) {
        super(ctx, shape, options, header, inFlight, layout);
        this.prompts = prompts;
    }

    @Override
    void accept(ChoiceState c, TokenDelta d) {
    }

    @Override
    void complete() {
        String error = errorOf(choices);
        if (error != null) {
            ctx.writeAndFlush(OpenAiErrors.response(new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "server_error", error, null, null)));
            return;
        }
        ObjectNode root = header.node(shape.object());
        ArrayNode array = root.putArray("choices");
        for (ChoiceState c : choices) {
            ObjectNode choice = array.addObject().put("index", c.index);
            shape.fillChoice(choice, c);
            finish(choice, c.last);
            if (options.returnTokenIds()) {
                choice.putPOJO("token_ids", c.tokenIds());
                choice.putPOJO("prompt_token_ids", prompts.get(layout.promptOf(c.index)));
            }
        }
        usage(root);
        FullHttpResponse response = OpenAiErrors.json(HttpResponseStatus.OK, root.toString());
        response.headers().set(SseWriter.REQUEST_ID, requestId());
        ctx.writeAndFlush(response);
    }
}
