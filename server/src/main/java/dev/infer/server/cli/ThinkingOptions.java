package dev.infer.server.cli;

import dev.infer.batching.thinking.AdaptiveThinkingPolicy;
import dev.infer.batching.thinking.ThinkingConfig;
import dev.infer.server.serving.ThinkingSettings;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Arrays;

/** The {@code serve} flags of thinking budgets (reasoning models only; see the README's "Thinking budgets"). */
final class ThinkingOptions {
    enum LoadPolicy { fixed, adaptive }

    @Option(names = "--reasoning-budget", defaultValue = "-1",
            description = "Server-wide ceiling on any request's thinking tokens; -1 for none. Default: ${DEFAULT-VALUE}.")
    int reasoningBudget;

    @Option(names = "--reasoning-effort-budgets", defaultValue = "1024,4096,16384", paramLabel = "LOW,MEDIUM,HIGH",
            description = "Thinking budgets of reasoning_effort low, medium, high. Default: ${DEFAULT-VALUE}.")
    String effortBudgets;

    @Option(names = "--thinking-transition-text",
            description = "Text forced before </think> when a budget ends the thinking. Default: \"Considering the "
                    + "limited time, I have to give the solution based on the thinking directly now.\" between newlines.")
    String transitionText;

    @Option(names = "--thinking-continuation-text", defaultValue = ThinkingConfig.DEFAULT_CONTINUATION,
            description = "Text inserted instead of </think> below min_thinking_tokens. Default: ${DEFAULT-VALUE}.")
    String continuationText;

    @Option(names = "--max-thinking-extensions", defaultValue = "3",
            description = "Continuations per reply at most. Default: ${DEFAULT-VALUE}.")
    int maxExtensions;

    @Option(names = "--thinking-load-policy", defaultValue = "fixed",
            description = "fixed: budgets as requested; adaptive: budgets shrink under load. Default: ${DEFAULT-VALUE}.")
    LoadPolicy loadPolicy;

    @Option(names = "--thinking-queue-threshold", defaultValue = "8",
            description = "adaptive: waiting requests beyond which budgets shrink. Default: ${DEFAULT-VALUE}.")
    int queueThreshold;

    @Option(names = "--thinking-ttft-threshold-ms", defaultValue = "2000",
            description = "adaptive: mean time to first token beyond which budgets shrink. Default: ${DEFAULT-VALUE}.")
    long ttftThresholdMs;

    @Option(names = "--thinking-policy-interval-ms", defaultValue = "250",
            description = "adaptive: how often the budget scale is reconsidered. Default: ${DEFAULT-VALUE}.")
    long intervalMs;

    ThinkingSettings settings() {
        int[] budgets;
        try {
            budgets = Arrays.stream(effortBudgets.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--reasoning-effort-budgets: three integers LOW,MEDIUM,HIGH, got "
                    + effortBudgets);
        }
        AdaptiveThinkingPolicy.Settings adaptive = loadPolicy == LoadPolicy.fixed ? null
                : new AdaptiveThinkingPolicy.Settings(queueThreshold, Duration.ofMillis(ttftThresholdMs),
                Duration.ofMillis(intervalMs), AdaptiveThinkingPolicy.Settings.defaults().shrinkFactor(),
                AdaptiveThinkingPolicy.Settings.defaults().growStep());
        return new ThinkingSettings(budgets, reasoningBudget,
                transitionText == null ? ThinkingConfig.DEFAULT_TRANSITION : transitionText, continuationText,
                maxExtensions, adaptive);
    }
}
