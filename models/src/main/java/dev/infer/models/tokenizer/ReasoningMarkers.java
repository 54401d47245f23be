package dev.infer.models.tokenizer;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The token ids that open and close a reasoning model's chain of thought. Qwen3 and the DeepSeek-R1 distills
 * both spell them {@code <think>} and {@code </think>}, each a single added token; a tokenizer without both as
 * single tokens belongs to a model that does not think, and gets no markers.
 */
public record ReasoningMarkers(int startId, int endId) {
    public static final String START = "<think>";
    public static final String END = "</think>";
    /**
     * How far from the prompt's end a marker still counts as the template's doing: R1's template ends with
     * {@code <think>\n}, Qwen3's with {@code <think>\n\n</think>\n\n} when thinking is disabled. A marker further
     * back belongs to an earlier turn of the conversation and says nothing about this reply.
     */
    static final int PROMPT_TAIL = 8;

    /** Where the prompt leaves the reply. */
    public enum PromptState {
        /** The template opened the thinking block: the reply starts inside it (R1 distills). */
        INSIDE,
        /** The template opened and closed it (Qwen3 with enable_thinking=false): the reply is the answer. */
        CLOSED,
        /** No marker at the end: the model may open the block itself (Qwen3). */
        NONE
    }

    /** The markers of this tokenizer's model family, or empty for a model that does not reason. */
    public static Optional<ReasoningMarkers> find(TextTokenizer tokenizer) {
        OptionalInt start = tokenizer.tokenId(START);
        OptionalInt end = tokenizer.tokenId(END);
        if (start.isEmpty() || end.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ReasoningMarkers(start.getAsInt(), end.getAsInt()));
    }

    /** The state the prompt's last few tokens leave the reply in (see {@link #PROMPT_TAIL}). */
    public PromptState stateAfter(int[] prompt) {
        for (int i = prompt.length - 1; i >= Math.max(0, prompt.length - PROMPT_TAIL); i--) {
            if (prompt[i] == startId) {
                return PromptState.INSIDE;
            }
            if (prompt[i] == endId) {
                return PromptState.CLOSED;
            }
        }
        return PromptState.NONE;
    }
}
