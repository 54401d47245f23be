package dev.infer.batching.sampling;

/**
 * The token-level stop conditions of one sequence, checked after each generated token (which is emitted either
 * way): EOS ids (unless ignore_eos), stop_token_ids, then max_tokens. A stop token wins over max_tokens on the last
 * allowed token, as in vLLM. While fewer than min_tokens tokens exist no stop token ends the sequence (the sampler
 * masks them then anyway). Stop strings work on text: see {@link StopStringMatcher}.
 *
 * <p>A reasoning model's thinking tokens ({@link #onThinkingToken}) count as generated (min_tokens) but not toward
 * max_tokens, which bounds the answer alone, and no stop condition applies to them.
 */
public final class StopChecker {
    private final SamplingParams params;
    private final int[] eosTokenIds;
    private int generated;
    private int answerTokens;

    public StopChecker(SamplingParams params, int[] eosTokenIds) {
        this.params = params;
        this.eosTokenIds = params.ignoreEos() ? new int[0] : eosTokenIds.clone();
    }

    /** Counts {@code tokenId} as generated; returns how the sequence finished, or null to go on. */
    public Finish onToken(int tokenId) {
        generated++;
        answerTokens++;
        if (generated >= params.minTokens()) {
            for (int eos : eosTokenIds) {
                if (eos == tokenId) {
                    return Finish.eos();
                }
            }
            if (params.stopTokenIds().contains(tokenId)) {
                return Finish.stopToken(tokenId);
            }
        }
        return answerTokens >= params.maxTokens() ? Finish.length() : null;
    }

    /** Counts a token of the thinking block: generated, but outside max_tokens and every stop condition. */
    public void onThinkingToken() {
        generated++;
    }

    /**
     * Whether stop strings may end the sequence yet: once more than min_tokens tokens exist (vLLM's rule), which is
     * also the earliest a masked stop token could have been sampled.
     */
    public boolean stopStringsActive() {
        return generated > params.minTokens();
    }

    public int generated() {
        return generated;
    }
}
