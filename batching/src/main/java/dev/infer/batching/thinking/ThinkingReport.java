package dev.infer.batching.thinking;

/**
 * What a finished reply spent on thinking.
 *
 * @param reasoningTokens every generated token of the thinking block: markers the model wrote, thinking tokens,
 *                        inserted continuations and the forced transition text (usage's {@code reasoning_tokens})
 * @param thinkingTokens  the tokens the budget counts: between the markers, continuations included, the forced
 *                        transition text and the markers excluded
 * @param extensions      continuations inserted because the model tried to end below min_thinking_tokens
 */
public record ThinkingReport(int reasoningTokens, int thinkingTokens, ThinkingEnd end, int extensions) {
}
