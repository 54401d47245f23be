package dev.infer.loadtest.client;

/** One chat message: {@code user} or {@code assistant}, and its text. */
public record ChatMessage(String role, String content) {
}
