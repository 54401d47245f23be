package dev.infer.loadtest.dataset;

/**
 * One user turn: its text, its length in tokens as the model's tokenizer counts it with special tokens (-1 when
 * not known), and the output tokens to ask for ({@code max_tokens}).
 */
public record Turn(String text, int inputTokens, int maxTokens) {
    public Turn {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
        }
    }
}
