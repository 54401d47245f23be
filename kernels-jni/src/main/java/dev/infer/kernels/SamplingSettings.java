package dev.infer.kernels;

/**
 * How one row is sampled, with the meanings of the OpenAI / vLLM fields (as the batching module's
 * {@code SamplingParams}): temperature 0 or top-k 1 is greedy (argmax, lowest id on ties); otherwise softmax of
 * logits / temperature restricted, in this order, by top-k, top-p (tokens in rank order while the mass before
 * them is below top_p, so at least one) and min-p (probability at least min_p × the top token's).
 *
 * @param topK        the k most likely tokens; 0 or less means off
 * @param logprob     return the chosen token's log-probability (of the penalized logits, before temperature)
 * @param topLogprobs also return this many most likely tokens with theirs
 */
public record SamplingSettings(float temperature, int topK, float topP, float minP, boolean logprob, int topLogprobs) {
    public SamplingSettings {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        }
        if (topLogprobs < 0) {
            throw new IllegalArgumentException("top_logprobs must be >= 0, got " + topLogprobs);
        }
    }

    /** Argmax, no logprobs. */
    public static SamplingSettings greedy() {
        return new SamplingSettings(0, 0, 1, 0, false, 0);
    }

    public boolean isGreedy() {
        return temperature == 0 || topK == 1;
    }

    boolean needsLogprobs() {
        return logprob || topLogprobs > 0;
    }
}
