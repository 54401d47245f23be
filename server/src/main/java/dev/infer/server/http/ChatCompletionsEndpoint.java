package dev.infer.server.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.models.chat.ChatMessage;
import dev.infer.models.chat.ChatTemplate;
import dev.infer.server.model.LoadedModel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        ChatTemplate template = model.chatTemplate().orElseThrow(() -> ApiException.badRequest(
                "the model " + context.model().servedName() + " has no chat template; use /v1/completions", "messages"));
        List<ChatMessage> messages = messages(root.get("messages"));
        Boolean addGenerationPrompt = OpenAiRequestParser.bool(root, "add_generation_prompt");
        String rendered;
        try {
            rendered = template.render(messages, addGenerationPrompt == null || addGenerationPrompt, kwargs(root));
        } catch (RuntimeException e) {
            throw ApiException.badRequest("the chat template failed on these messages: " + e.getMessage(), "messages");
        }
        int[] promptIds = model.tokenizer().encode(rendered, false); // the template writes the special tokens
        if (promptIds.length == 0) {
            throw ApiException.badRequest("the rendered chat prompt is empty", "messages");
        }
        GenerationOptions options = OpenAiRequestParser.options(root, true, runner.remainingContext(promptIds.length));
        runner.run(ctx, inFlight, promptIds, options, new ChatShape(model.tokenizer(), options.params().logprobs()));
    }

    private Map<String, Object> kwargs(JsonNode root) {
        JsonNode v = root.get("chat_template_kwargs");
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw ApiException.badRequest("chat_template_kwargs must be an object", "chat_template_kwargs");
        }
        return context.mapper().convertValue(v, new TypeReference<Map<String, Object>>() { });
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest("messages must be a non-empty array", "messages");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : node) {
            if (!m.isObject()) {
                throw ApiException.badRequest("messages: each message must be an object", "messages");
            }
            String role = OpenAiRequestParser.string(m, "role");
            if (role == null || role.isEmpty()) {
                throw ApiException.badRequest("messages: each message needs a role", "messages");
            }
            messages.add(new ChatMessage(role, content(m.get("content"))));
        }
        return messages;
    }

    /** A string, or a list of {@code {"type":"text","text":…}} parts (joined); null content reads as empty. */
    private static String content(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw ApiException.badRequest("messages: content must be a string or a list of text parts", "messages");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiException.badRequest("messages: only {\"type\":\"text\",\"text\":…} content parts are "
                        + "supported, got " + part, "messages");
            }
            text.append(part.get("text").textValue());
        }
        return text.toString();
    }
}
