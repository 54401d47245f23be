package dev.infer.batching.sampling;

/**
 * What a sequence's state machine (e.g. its thinking budget) imposes on one sampling step: a token to emit
 * instead of sampling, ids that must not be sampled, and a replacement for the token the sampler chose.
 */
public interface TokenSteering {
    /** Sampling as the request asks, nothing imposed. */
    TokenSteering NONE = new TokenSteering() {
        @Override
        public int forcedToken() {
            return -1;
        }

        @Override
        public int[] bannedTokens() {
            return NO_IDS;
        }

        @Override
        public int replace(int sampled) {
            return sampled;
        }
    };

    int[] NO_IDS = new int[0];

    /** The token to emit this step without sampling, or -1 to sample. */
    int forcedToken();

    /** Ids set to -inf before sampling (and before logprobs are taken). */
    int[] bannedTokens();

    /** The token to emit when the sampler chose {@code sampled}; usually {@code sampled} itself. */
    int replace(int sampled);
}
