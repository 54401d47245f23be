package dev.infer.batching;

import java.util.Set;

/**
 * Per-request decoding settings used by {@link Sampler} and {@link SequenceGenerator}.
 *
 * @param temperature 0 means greedy
 * @param topK        0 means no limit
 * @param topP        1 means no limit
 * @param seed        null means a random seed
 * @param stopTokenIds generation ends after emitting one of these (EOS ids, unless {@code ignoreEos})
 */
public record SamplingParams(double temperature, int topK, double topP, Long seed, int maxTokens,
                             Set<Integer> stopTokenIds) {
    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("max_tokens must be > 0, got " + maxTokens);
        }
        stopTokenIds = Set.copyOf(stopTokenIds);
    }

    public static SamplingParams greedy(int maxTokens, Set<Integer> stopTokenIds) {
        return new SamplingParams(0, 0, 1, null, maxTokens, stopTokenIds);
    }

    public boolean isGreedy() {
        return temperature == 0 || topK == 1;
    }
}
