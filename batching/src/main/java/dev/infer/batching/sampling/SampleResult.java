package dev.infer.batching.sampling;

/**
 * One sampled token. Logprobs come from the log-softmax of the logits after logit_bias, min_tokens masking and
 * penalties but before temperature, top-k, top-p and min-p (see {@link SequenceSampler}).
 *
 * @param tokenId     the chosen token
 * @param logprob     its log-probability, or NaN when the request asked for no logprobs
 * @param topTokenIds the top_logprobs most likely ids, most likely first (lower id first on ties); empty if none asked
 * @param topLogprobs their log-probabilities, same order
 */
public record SampleResult(int tokenId, float logprob, int[] topTokenIds, float[] topLogprobs) {
    private static final int[] NO_IDS = new int[0];
    private static final float[] NO_LOGPROBS = new float[0];

    static SampleResult withoutLogprobs(int tokenId) {
        return new SampleResult(tokenId, Float.NaN, NO_IDS, NO_LOGPROBS);
    }
}
