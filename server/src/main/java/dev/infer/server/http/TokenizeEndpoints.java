package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.models.tokenizer.TextTokenizer;
import dev.infer.server.model.LoadedModel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;


/**
 * vLLM's {@code POST /tokenize} ({@code prompt}, or chat {@code messages} rendered with the chat template) and
 * {@code POST /detokenize} ({@code tokens} to text).
 */
final class TokenizeEndpoints {
    private final ServingContext context;

    TokenizeEndpoints(ServingContext context) {
        this.context = context;
    }

    void tokenize(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight) {
        ObjectNode root = OpenAiRequestParser.body(context.mapper(), request);
        OpenAiRequestParser.checkModel(root, context.model().servedName());
        LoadedModel model = context.model().model();
        int[] ids;
        JsonNode messages = root.get("messages");
        if (messages != null && !messages.isNull()) {
            if (root.hasNonNull("prompt")) {
                throw ApiException.badRequest("send either prompt or messages, not both", "messages");
            }
            ids = chatIds(root, model);
        } else {
            if (root.get("prompt") == null || root.get("prompt").isNull()) {
                throw ApiException.badRequest("prompt (or messages) is required", "prompt");
            }
            String prompt = OpenAiRequestParser.string(root, "prompt");
            Boolean add = OpenAiRequestParser.bool(root, "add_special_tokens");
            ids = model.tokenizer().encode(prompt, add == null || add);
        }
        ObjectNode out = context.mapper().createObjectNode();
        out.put("count", ids.length).put("max_model_len", context.model().contextLength());
        ArrayNode tokens = out.putArray("tokens");
        for (int id : ids) {
            tokens.add(id);
        }
        ctx.writeAndFlush(OpenAiErrors.json(HttpResponseStatus.OK, out.toString()));
    }

    void detokenize(ChannelHandlerContext ctx, FullHttpRequest request, InFlight inFlight) {
        ObjectNode root = OpenAiRequestParser.body(context.mapper(), request);
        OpenAiRequestParser.checkModel(root, context.model().servedName());
        TextTokenizer tokenizer = context.model().model().tokenizer();
        JsonNode tokens = root.get("tokens");
        if (tokens == null || !tokens.isArray()) {
            throw ApiException.badRequest("tokens must be an array of token ids", "tokens");
        }
        int vocab = tokenizer.vocabSize();
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = tokens.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0 || t.intValue() >= vocab) {
                throw ApiException.badRequest("tokens: token ids must be integers in [0, " + vocab + "), got " + t,
                        "tokens");
            }
            ids[i] = t.intValue();
        }
        ObjectNode out = context.mapper().createObjectNode().put("prompt", tokenizer.decode(ids, false));
        ctx.writeAndFlush(OpenAiErrors.json(HttpResponseStatus.OK, out.toString()));
    }

    /** As vLLM: the rendered template already holds its special tokens, so add_special_tokens defaults to false. */
    private int[] chatIds(ObjectNode root, LoadedModel model) {
        Boolean add = OpenAiRequestParser.bool(root, "add_special_tokens");
        String rendered = ChatPrompts.render(context, root, "send a prompt");
        return model.tokenizer().encode(rendered, add != null && add);
    }
}
