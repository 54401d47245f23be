package dev.infer.models.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a conversation as chat templates see it.
 *
 * @param role             "system", "user", "assistant" or "tool"
 * @param content          the text; null for an assistant message that only calls tools
 * @param reasoningContent an assistant's separate reasoning (templates such as Qwen3's render it inside
 *                         {@code <think>}); null when absent
 * @param extra            further fields passed to the template as they are, e.g. {@code tool_calls},
 *                         {@code tool_call_id}, {@code name} (values: strings, numbers, booleans, lists, maps,
 *                         Jackson nodes)
 */
public record ChatMessage(String role, String content, String reasoningContent, Map<String, Object> extra) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public ChatMessage(String role, String content) {
        this(role, content, null, Map.of());
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    public static ChatMessage assistant(String content, String reasoningContent) {
        return new ChatMessage("assistant", content, reasoningContent, Map.of());
    }

    public static ChatMessage tool(String content) {
        return new ChatMessage("tool", content);
    }

    /**
     * The message as the template's dict: {@code role}, {@code content} (present even when null, as in
     * OpenAI-style requests, so {@code message['content'] is none} works), {@code reasoning_content} only when
     * set (so {@code is defined} is false otherwise), then the extra fields.
     */
    public Map<String, Object> toTemplateMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", role);
        map.put("content", content);
        if (reasoningContent != null) {
            map.put("reasoning_content", reasoningContent);
        }
        extra.forEach(map::putIfAbsent);
        return map;
    }
}
