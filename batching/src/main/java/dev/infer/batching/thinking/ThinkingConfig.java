package dev.infer.batching.thinking;

import dev.infer.models.tokenizer.ReasoningMarkers;
import dev.infer.models.tokenizer.TextTokenizer;

import java.util.Optional;

/**
 * The engine loop's thinking settings, shared by every request: the model's markers (none for a model that does
 * not reason, and then nothing here applies), the forced texts as token ids, and the server-wide limits.
 *
 * @param transitionIds   written before a forced end marker, e.g. "Considering the limited time, ..."
 * @param continuationIds written instead of an end marker below min_thinking_tokens ("Wait")
 * @param maxExtensions   continuations per reply at most
 * @param ceiling         server-wide cap on any request's thinking budget ({@code --reasoning-budget}), or
 *                        {@link ThinkingParams#UNBOUNDED}
 * @param policy          how budgets bend under load
 */
public record ThinkingConfig(Optional<ReasoningMarkers> markers, int[] transitionIds, int[] continuationIds,
                             int maxExtensions, int ceiling, ThinkingLoadPolicy policy) {
    public static final String DEFAULT_TRANSITION = "\n\nConsidering the limited time, I have to give the solution "
            + "based on the thinking directly now.\n";
    public static final String DEFAULT_CONTINUATION = "Wait";
    public static final int DEFAULT_MAX_EXTENSIONS = 3;

    public ThinkingConfig {
        transitionIds = transitionIds.clone();
        continuationIds = continuationIds.clone();
        if (maxExtensions < 0 || ceiling < ThinkingParams.UNBOUNDED) {
            throw new IllegalArgumentException("max thinking extensions and the reasoning budget must be >= 0");
        }
        if (maxExtensions > 0 && continuationIds.length == 0) {
            throw new IllegalArgumentException("the thinking continuation text must not be empty");
        }
    }

    /** For a model that does not reason (or a loop that leaves thinking alone). */
    public static ThinkingConfig disabled() {
        return new ThinkingConfig(Optional.empty(), new int[0], new int[0], 0, ThinkingParams.UNBOUNDED,
                ThinkingLoadPolicy.fixed());
    }

    /** The markers this tokenizer defines, and the texts encoded with it (without special tokens). */
    public static ThinkingConfig forModel(TextTokenizer tokenizer, String transition, String continuation,
                                          int maxExtensions, int ceiling, ThinkingLoadPolicy policy) {
        return new ThinkingConfig(ReasoningMarkers.find(tokenizer), tokenizer.encode(transition, false),
                tokenizer.encode(continuation, false), maxExtensions, ceiling, policy);
    }

    /** Tokens a forced end adds beyond the budget: the transition text and the end marker. */
    public int forcedEndLength() {
        return transitionIds.length + 1;
    }

    @Override
    public int[] transitionIds() {
        return transitionIds.clone();
    }

    @Override
    public int[] continuationIds() {
        return continuationIds.clone();
    }
}
