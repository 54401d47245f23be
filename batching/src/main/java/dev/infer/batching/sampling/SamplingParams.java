package dev.infer.batching.sampling;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One request's decoding settings, with OpenAI / vLLM names, meanings and ranges. Construction validates every
 * field and the message names the API field ("top_p must be in (0, 1], got 0.0"), so the HTTP layer can turn an
 * {@link IllegalArgumentException} straight into a 400. Use {@link #builder()}: every field has the API default.
 *
 * @param temperature       0 means greedy (argmax); otherwise logits are divided by it
 * @param topP              nucleus mass in (0, 1]; 1 means off
 * @param topK              the k most likely tokens; 0 or -1 (vLLM's spelling) means off
 * @param minP              drop tokens whose probability is below {@code minP} times the top token's; 0 means off
 * @param presencePenalty   subtracted once from every token already generated, in [-2, 2]
 * @param frequencyPenalty  subtracted per occurrence of every token already generated, in [-2, 2]
 * @param repetitionPenalty > 0; 1 means off; applies to prompt and generated tokens (divides positive logits,
 *                          multiplies negative ones)
 * @param logitBias         token id to a bias in [-100, 100] added to its logit
 * @param seed              null means a random seed
 * @param maxTokens         most tokens to generate (>= 1)
 * @param minTokens         EOS and stop token ids are masked until this many tokens are generated
 * @param stop              stop strings, matched on the text and never emitted
 * @param stopTokenIds      generation ends after one of these token ids (emitted)
 * @param ignoreEos         keep generating past the model's EOS ids
 * @param logprobs          return the sampled token's log-probability
 * @param topLogprobs       also return this many most likely tokens with theirs, 0..20 (needs logprobs)
 * @param n                 completions to return
 * @param bestOf            completions to generate, the best {@code n} returned (>= n)
 */
public record SamplingParams(double temperature, double topP, int topK, double minP,
                             double presencePenalty, double frequencyPenalty, double repetitionPenalty,
                             Map<Integer, Float> logitBias, Long seed, int maxTokens, int minTokens,
                             List<String> stop, Set<Integer> stopTokenIds, boolean ignoreEos,
                             boolean logprobs, int topLogprobs, int n, int bestOf) {
    /** The OpenAI cap on top_logprobs. */
    public static final int MAX_TOP_LOGPROBS = 20;

    public SamplingParams {
        check(temperature >= 0 && !Double.isInfinite(temperature),
                "temperature must be a finite number >= 0, got " + temperature);
        check(topP > 0 && topP <= 1, "top_p must be in (0, 1], got " + topP);
        check(topK >= -1, "top_k must be -1 or 0 (no limit) or a positive number, got " + topK);
        check(minP >= 0 && minP <= 1, "min_p must be in [0, 1], got " + minP);
        check(presencePenalty >= -2 && presencePenalty <= 2, "presence_penalty must be in [-2, 2], got " + presencePenalty);
        check(frequencyPenalty >= -2 && frequencyPenalty <= 2,
                "frequency_penalty must be in [-2, 2], got " + frequencyPenalty);
        check(repetitionPenalty > 0 && !Double.isInfinite(repetitionPenalty),
                "repetition_penalty must be a finite number > 0, got " + repetitionPenalty);
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
        logitBias.forEach((id, bias) -> {
            check(id >= 0, "logit_bias: token ids must be >= 0, got " + id);
            check(bias >= -100 && bias <= 100, "logit_bias: the bias of token " + id + " must be in [-100, 100], got " + bias);
        });
        check(maxTokens >= 1, "max_tokens must be >= 1, got " + maxTokens);
        check(minTokens >= 0, "min_tokens must be >= 0, got " + minTokens);
        check(minTokens <= maxTokens, "min_tokens (" + minTokens + ") must be <= max_tokens (" + maxTokens + ")");
        stop = stop == null ? List.of() : List.copyOf(stop);
        for (String s : stop) {
            check(!s.isEmpty(), "stop: stop strings must not be empty");
        }
        stopTokenIds = stopTokenIds == null ? Set.of() : Set.copyOf(stopTokenIds);
        for (int id : stopTokenIds) {
            check(id >= 0, "stop_token_ids: token ids must be >= 0, got " + id);
        }
        check(topLogprobs >= 0 && topLogprobs <= MAX_TOP_LOGPROBS,
                "top_logprobs must be in [0, " + MAX_TOP_LOGPROBS + "], got " + topLogprobs);
        check(topLogprobs == 0 || logprobs, "top_logprobs needs logprobs to be true");
        check(n >= 1, "n must be >= 1, got " + n);
        check(bestOf >= n, "best_of (" + bestOf + ") must be >= n (" + n + ")");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Argmax decoding for {@code maxTokens} tokens with the given stop token ids (how tests and the CLI say "greedy"). */
    public static SamplingParams greedy(int maxTokens, Set<Integer> stopTokenIds) {
        return builder().temperature(0).maxTokens(maxTokens).stopTokenIds(stopTokenIds).build();
    }

    /**
     * The settings of completion {@code index} of an n > 1 request, run as its own sequence (as vLLM v1 does: the
     * prompt's blocks are shared through the prefix cache): one completion, and seed + index when seeded so the
     * choices differ but stay reproducible.
     */
    public SamplingParams forChoice(int index) {
        return new SamplingParams(temperature, topP, topK, minP, presencePenalty, frequencyPenalty, repetitionPenalty,
                logitBias, seed == null ? null : seed + index, maxTokens, minTokens, stop, stopTokenIds, ignoreEos,
                logprobs, topLogprobs, 1, 1);
    }

    /** Temperature 0, or top_k 1: the argmax (lowest id on ties) with no random draw. */
    public boolean isGreedy() {
        return temperature == 0 || topK == 1;
    }

    /** top_k as a count, or 0 when off (both 0 and -1 mean off). */
    public int effectiveTopK() {
        return Math.max(topK, 0);
    }

    public boolean hasRepetitionPenalty() {
        return repetitionPenalty != 1;
    }

    public boolean hasOutputPenalties() {
        return presencePenalty != 0 || frequencyPenalty != 0;
    }

    /** Whether samplers must compute the chosen token's logprob (asked for, or needed to rank best_of). */
    public boolean needsLogprob() {
        return logprobs || bestOf > n;
    }

    /** Builds {@link SamplingParams} starting from the OpenAI defaults (temperature 1, max_tokens 16, n 1). */
    public static final class Builder {
        private double temperature = 1;
        private double topP = 1;
        private int topK = 0;
        private double minP = 0;
        private double presencePenalty = 0;
        private double frequencyPenalty = 0;
        private double repetitionPenalty = 1;
        private Map<Integer, Float> logitBias = Map.of();
        private Long seed;
        private int maxTokens = 16;
        private int minTokens = 0;
        private List<String> stop = List.of();
        private Set<Integer> stopTokenIds = Set.of();
        private boolean ignoreEos;
        private boolean logprobs;
        private int topLogprobs;
        private int n = 1;
        private Integer bestOf;

        private Builder() {
        }

        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder minP(double v) { minP = v; return this; }
        public Builder presencePenalty(double v) { presencePenalty = v; return this; }
        public Builder frequencyPenalty(double v) { frequencyPenalty = v; return this; }
        public Builder repetitionPenalty(double v) { repetitionPenalty = v; return this; }
        public Builder logitBias(Map<Integer, Float> v) { logitBias = v; return this; }
        public Builder seed(Long v) { seed = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder minTokens(int v) { minTokens = v; return this; }
        public Builder stop(List<String> v) { stop = v; return this; }
        public Builder stopTokenIds(Set<Integer> v) { stopTokenIds = v; return this; }
        public Builder ignoreEos(boolean v) { ignoreEos = v; return this; }
        public Builder logprobs(boolean v) { logprobs = v; return this; }
        public Builder topLogprobs(int v) { topLogprobs = v; return this; }
        public Builder n(int v) { n = v; return this; }
        /** Unset means equal to n. */
        public Builder bestOf(Integer v) { bestOf = v; return this; }

        public SamplingParams build() {
            return new SamplingParams(temperature, topP, topK, minP, presencePenalty, frequencyPenalty,
                    repetitionPenalty, logitBias, seed, maxTokens, minTokens, stop, stopTokenIds, ignoreEos, logprobs,
                    topLogprobs, n, bestOf == null ? n : bestOf);
        }
    }
}
