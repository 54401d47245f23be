package dev.infer.batching.thinking;

/**
 * One request's thinking limits.
 *
 * @param budget            most thinking tokens before the server ends the thinking itself; {@link #UNBOUNDED}
 *                          leaves only the server's ceiling and the context as limits
 * @param minThinkingTokens below this many thinking tokens an attempt to end the thinking is answered with the
 *                          continuation text ("Wait"), at most the server's number of extensions (s1's budget forcing)
 */
public record ThinkingParams(int budget, int minThinkingTokens) {
    public static final int UNBOUNDED = -1;
    /** No limit from the request: the server's ceiling and the context decide. */
    public static final ThinkingParams DEFAULT = new ThinkingParams(UNBOUNDED, 0);

    public ThinkingParams {
        if (budget < UNBOUNDED) {
            throw new IllegalArgumentException("thinking_token_budget must be >= 0, got " + budget);
        }
        if (minThinkingTokens < 0) {
            throw new IllegalArgumentException("min_thinking_tokens must be >= 0, got " + minThinkingTokens);
        }
        if (budget != UNBOUNDED && minThinkingTokens > budget) {
            throw new IllegalArgumentException("min_thinking_tokens (" + minThinkingTokens
                    + ") must be <= the thinking budget (" + budget + ")");
        }
    }

    public static ThinkingParams budget(int budget) {
        return new ThinkingParams(budget, 0);
    }

    public boolean bounded() {
        return budget != UNBOUNDED;
    }
}
