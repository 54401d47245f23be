package dev.infer.loadtest.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * One parsed OpenAI streaming event ({@code data: {...}}): the first choice's text ({@code text} for
 * completions, {@code delta.content} for chat), its reasoning ({@code delta.reasoning_content}, or
 * {@code delta.reasoning} as some servers name it), how many {@code token_ids} it carried, usage, and an
 * error. {@link #DONE} is {@code data: [DONE]}; other SSE lines (comments, blank separators) parse to null.
 */
public record SseChunk(String text, String reasoning, int tokenIds, int promptTokens, int completionTokens,
                       String error) {
    public static final SseChunk DONE = new SseChunk(null, null, 0, -1, -1, null);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static SseChunk parse(String line) {
        if (!line.startsWith("data:")) {
            return null;
        }
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) {
            return DONE;
        }
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (IOException e) {
            return new SseChunk(null, null, 0, -1, -1, "unparseable event: " + data);
        }
        JsonNode choice = root.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String text = choice.has("text") ? choice.path("text").asText(null) : delta.path("content").asText(null);
        JsonNode reasoning = delta.hasNonNull("reasoning_content") ? delta.get("reasoning_content")
                : delta.path("reasoning");
        JsonNode usage = root.path("usage");
        String error = root.hasNonNull("error") ? root.get("error").path("message").asText(root.get("error").toString())
                : null;
        return new SseChunk(text, reasoning.isTextual() ? reasoning.textValue() : null,
                choice.path("token_ids").size(), usage.path("prompt_tokens").asInt(-1),
                usage.path("completion_tokens").asInt(-1), error);
    }

    public boolean hasUsage() {
        return completionTokens >= 0;
    }
}
