package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.server.model.LoadedModel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/** {@code POST /v1/completions}: a prompt (text, or token ids) in, text out. */
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
        int[] promptIds = promptIds(root.get("prompt"), model);
        GenerationOptions options = OpenAiRequestParser.options(root, false, DEFAULT_MAX_TOKENS);
        runner.run(ctx, inFlight, promptIds, options, new CompletionShape(model.tokenizer(), options.params().logprobs()));
    }

    private static int[] promptIds(JsonNode prompt, LoadedModel model) {
        if (prompt == null || prompt.isNull()) {
            throw ApiException.badRequest("prompt is required", "prompt");
        }
        if (prompt.isTextual()) {
            if (prompt.textValue().isEmpty()) {
                throw ApiException.badRequest("prompt must not be empty", "prompt");
            }
            return model.tokenizer().encode(prompt.textValue());
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return promptIds(prompt.get(0), model);
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw ApiException.badRequest("prompt must be a string or a non-empty array of token ids", "prompt");
        }
        int vocab = model.config().vocabSize();
        int[] ids = new int[prompt.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = prompt.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0 || t.intValue() >= vocab) {
                throw ApiException.badRequest("prompt: token ids must be integers in [0, " + vocab + "), got " + t
                        + " (batched prompts are not supported)", "prompt");
            }
            ids[i] = t.intValue();
        }
        return ids;
    }
}
