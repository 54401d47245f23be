package dev.infer.models.chat;

/**
 * A chat template that cannot be rendered for the given conversation: a syntax error in the template, or the
 * template rejecting the input through {@code raise_exception} (e.g. "Conversation roles must alternate
 * user/assistant/user/assistant/..."). The message is meant for the API client, so servers can return it as a
 * 400 Bad Request.
 */
public class ChatTemplateException extends IllegalArgumentException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
