package dev.infer.server.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.models.chat.ChatMessage;
import dev.infer.models.chat.ChatTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chat part of a request body ({@code messages}, {@code add_generation_prompt}, {@code chat_template_kwargs})
 * rendered with the model's template, for /v1/chat/completions and /tokenize alike.
 */
final class ChatPrompts {
    private ChatPrompts() {
    }

    /** The rendered prompt; {@code noTemplateHint} tells the client what to do when the model has no template. */
    static String render(ServingContext context, ObjectNode root, String noTemplateHint) {
        ChatTemplate template = context.model().model().chatTemplate().orElseThrow(() -> ApiException.badRequest(
                "the model " + context.model().servedName() + " has no chat template; " + noTemplateHint, "messages"));
        List<ChatMessage> messages = messages(root.get("messages"));
        Boolean addGenerationPrompt = OpenAiRequestParser.bool(root, "add_generation_prompt");
        try {
            return template.render(messages, addGenerationPrompt == null || addGenerationPrompt,
                    kwargs(context.mapper(), root));
        } catch (RuntimeException e) {
            throw ApiException.badRequest("the chat template failed on these messages: " + e.getMessage(), "messages");
        }
    }

    private static Map<String, Object> kwargs(ObjectMapper mapper, JsonNode root) {
        JsonNode v = root.get("chat_template_kwargs");
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw ApiException.badRequest("chat_template_kwargs must be an object", "chat_template_kwargs");
        }
        return mapper.convertValue(v, new TypeReference<Map<String, Object>>() { });
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
