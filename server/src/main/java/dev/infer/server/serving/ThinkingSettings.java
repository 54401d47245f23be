package dev.infer.server.serving;

import dev.infer.batching.thinking.AdaptiveThinkingPolicy;
import dev.infer.batching.thinking.ThinkingConfig;
import dev.infer.batching.thinking.ThinkingLoadPolicy;
import dev.infer.batching.thinking.ThinkingParams;
import dev.infer.models.tokenizer.TextTokenizer;

import java.util.Locale;

/**
 * The {@code serve} command's thinking flags: what {@code reasoning_effort} means in tokens, the server-wide
 * ceiling, the forced texts, and the load policy. Only reasoning models (with {@code <think>} markers) use them.
 *
 * @param effortBudgets   thinking budgets of reasoning_effort low, medium and high
 * @param ceiling         {@code --reasoning-budget}: no request thinks longer; {@link ThinkingParams#UNBOUNDED} for none
 * @param adaptive        the adaptive load policy's settings, or null for budgets that ignore load
 */
public record ThinkingSettings(int[] effortBudgets, int ceiling, String transitionText, String continuationText,
                               int maxExtensions, AdaptiveThinkingPolicy.Settings adaptive) {
    public ThinkingSettings {
        if (effortBudgets.length != 3) {
            throw new IllegalArgumentException("reasoning effort budgets: three values (low, medium, high) needed");
        }
        effortBudgets = effortBudgets.clone();
        for (int b : effortBudgets) {
            if (b < 0) {
                throw new IllegalArgumentException("reasoning effort budgets must be >= 0, got " + b);
            }
        }
        if (ceiling < ThinkingParams.UNBOUNDED) {
            throw new IllegalArgumentException("--reasoning-budget must be >= 0 (or -1 for none), got " + ceiling);
        }
    }

    public static ThinkingSettings defaults() {
        return new ThinkingSettings(new int[] {1024, 4096, 16384}, ThinkingParams.UNBOUNDED,
                ThinkingConfig.DEFAULT_TRANSITION, ThinkingConfig.DEFAULT_CONTINUATION,
                ThinkingConfig.DEFAULT_MAX_EXTENSIONS, null);
    }

    public ThinkingSettings withAdaptive(AdaptiveThinkingPolicy.Settings settings) {
        return new ThinkingSettings(effortBudgets, ceiling, transitionText, continuationText, maxExtensions, settings);
    }

    public ThinkingSettings withCeiling(int budget) {
        return new ThinkingSettings(effortBudgets, budget, transitionText, continuationText, maxExtensions, adaptive);
    }

    /** The budget of a reasoning_effort ("low", "medium", "high"); an IllegalArgumentException names the field. */
    public int budgetFor(String effort) {
        return switch (effort.toLowerCase(Locale.ROOT)) {
            case "low" -> effortBudgets[0];
            case "medium" -> effortBudgets[1];
            case "high" -> effortBudgets[2];
            default -> throw new IllegalArgumentException("reasoning_effort must be low, medium or high, got '"
                    + effort + "'");
        };
    }

    /**
     * max_tokens when a request sets none and its reply may think: what the context leaves after the prompt
     * ({@code room}), less what the thinking may take (the request's budget, else the ceiling, else half the room)
     * and the forced end; at least 1.
     */
    public int defaultAnswerTokens(int room, ThinkingParams thinking, int forcedEndTokens) {
        long reserve = thinking.bounded() ? thinking.budget() : ceiling != ThinkingParams.UNBOUNDED ? ceiling : room / 2;
        reserve += forcedEndTokens + 1L;
        return (int) Math.max(1, room - reserve);
    }

    /** The engine loop's config for this model: its markers, the texts in its tokens, a fresh policy. */
    public ThinkingConfig toConfig(TextTokenizer tokenizer) {
        ThinkingLoadPolicy policy = adaptive == null ? ThinkingLoadPolicy.fixed() : new AdaptiveThinkingPolicy(adaptive);
        return ThinkingConfig.forModel(tokenizer, transitionText, continuationText, maxExtensions, ceiling, policy);
    }

    @Override
    public int[] effortBudgets() {
        return effortBudgets.clone();
    }
}
