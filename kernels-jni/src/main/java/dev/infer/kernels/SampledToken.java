package dev.infer.kernels;

/**
 * One sampled token. Logprobs are of the log-softmax of the penalized logits, before temperature and truncation.
 *
 * @param logprob     the token's log-probability, NaN when not asked for
 * @param topIds      the most likely ids, most likely first (lower id first on ties)
 * @param topLogprobs their log-probabilities
 */
public record SampledToken(int tokenId, float logprob, int[] topIds, float[] topLogprobs) {
}
