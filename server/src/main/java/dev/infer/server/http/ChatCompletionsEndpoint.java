package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.thinking.ThinkingParams;
import dev.infer.server.model.LoadedModel;
import dev.infer.server.serving.ServedModel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

import java.util.List;


/**
 * {@code POST /v1/chat/completions}: messages rendered with the model's chat template, an assistant reply out; a
 * reasoning model's reply is split into reasoning_content and content under the request's thinking limits.
 */
final class ChatCompletionsEndpoint implements Endpoint {
    private final ServingContext context;
    private final GenerationRunner runner;

    ChatCompletionsEndpoint(ServingContext context, GenerationRunner runner) {
        this.context = context;
        this.runner = runner;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight) {
        ObjectNode root = OpenAiRequestParser.body(context.mapper(), request);
        OpenAiRequestParser.checkModel(root, context.model().servedName());
        LoadedModel model = context.model().model();
        String rendered = ChatPrompts.render(context, root, "use /v1/completions");
        int[] promptIds = model.tokenizer().encode(rendered, false); // the template writes the special tokens
        if (promptIds.length == 0) {
            throw ApiException.badRequest("the rendered chat prompt is empty", "messages");
        }
        ServedModel served = context.model();
        ThinkingParams thinking = ThinkingFields.parse(root, served.thinking());
        int room = runner.remainingContext(promptIds.length);
        if (!served.reasons()) {
            thinking = null; // fields accepted and checked, but a model that does not reason is left alone
        }
        int defaultMaxTokens = thinking == null ? room
                : served.thinking().defaultAnswerTokens(room, thinking, served.forcedEndTokens());
        GenerationOptions options = OpenAiRequestParser.options(root, true, defaultMaxTokens).withThinking(thinking);
        ChatShape shape = new ChatShape(model.tokenizer(), options.params().logprobs());
        runner.run(ctx, inFlight, List.of(promptIds), options, shape);
    }
}
