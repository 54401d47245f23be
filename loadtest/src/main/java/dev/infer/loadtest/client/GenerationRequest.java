package dev.infer.loadtest.client;

import java.util.List;

/**
 * One request to send: the chat history ending in the user's turn (the chat endpoint) and the same turn as a
 * plain prompt (completions, gRPC); how many tokens to ask for; and, when &gt; 0, the number of output chunks
 * after which the client cancels the stream on purpose.
 */
public record GenerationRequest(List<ChatMessage> messages, String prompt, int maxTokens, boolean ignoreEos,
                                int cancelAfterChunks) {
    public GenerationRequest {
        messages = List.copyOf(messages);
    }
}
