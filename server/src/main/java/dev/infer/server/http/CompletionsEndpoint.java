package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.server.model.LoadedModel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

import java.util.List;

/**
 * {@code POST /v1/completions}: a prompt (text, or token ids) in, text out; or a batch of prompts, each run as its
 * own engine request with {@code n} choices, answered together (choice {@code prompt * n + choice}).
 */
final class CompletionsEndpoint implements Endpoint {
    /** OpenAI's default max_tokens for completions. */
    private static final int DEFAULT_MAX_TOKENS = 16;

    private final ServingContext context;
    private final GenerationRunner runner;

    CompletionsEndpoint(ServingContext context, GenerationRunner runner) {
        this.context = context;
        this.runner = runner;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight) {
        ObjectNode root = OpenAiRequestParser.body(context.mapper(), request);
        OpenAiRequestParser.checkModel(root, context.model().servedName());
        LoadedModel model = context.model().model();
        BatchedPrompts parser = new BatchedPrompts(model.tokenizer(), model.config().vocabSize());
        List<int[]> prompts = parser.parse(root.get("prompt"));
        GenerationOptions options = OpenAiRequestParser.options(root, false, DEFAULT_MAX_TOKENS);
        CompletionShape shape = new CompletionShape(model.tokenizer(), options.params().logprobs());
        runner.run(ctx, inFlight, prompts, options, shape);
    }
}
