package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.server.model.LoadedModel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;


/** {@code POST /v1/chat/completions}: messages rendered with the model's chat template, an assistant reply out. */
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
        GenerationOptions options = OpenAiRequestParser.options(root, true, runner.remainingContext(promptIds.length));
        runner.run(ctx, inFlight, promptIds, options, new ChatShape(model.tokenizer(), options.params().logprobs()));
    }
}
