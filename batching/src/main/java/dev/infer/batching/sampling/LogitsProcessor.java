package dev.infer.batching.sampling;

import java.util.Arrays;
import java.util.Map;

/**
 * The request-specific logit edits that come before temperature, in this order: logit_bias, then min_tokens
 * (EOS and stop token ids set to -inf while fewer than min_tokens tokens exist), then penalties as vLLM defines
 * them: repetition_penalty over prompt and generated ids (positive logits divided, negative multiplied), then
 * frequency_penalty × count and presence_penalty once, over generated ids only.
 * Keeps the token counts those penalties need; {@link #record} adds each generated token.
 */
final class LogitsProcessor {
    private final SamplingParams params;
    private final int[] biasIds;
    private final float[] biasValues;
    /** Ids masked by min_tokens: stop_token_ids plus EOS unless ignore_eos. */
    private final int[] minTokensMasked;
    /** Generated ids, for presence/frequency; null when those penalties are off. */
    private final TokenCounts outputCounts;
    /** Prompt and generated ids, for the repetition penalty; null when it is off. */
    private final TokenCounts promptAndOutput;
    private int generated;

    LogitsProcessor(SamplingParams params, int[] promptTokenIds, int[] eosTokenIds) {
        this.params = params;
        Map<Integer, Float> bias = params.logitBias();
        biasIds = new int[bias.size()];
        biasValues = new float[bias.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : bias.entrySet()) {
            biasIds[i] = e.getKey();
            biasValues[i++] = e.getValue();
        }
        int[] stopIds = params.stopTokenIds().stream().mapToInt(Integer::intValue).toArray();
        int[] eos = params.ignoreEos() ? new int[0] : eosTokenIds;
        minTokensMasked = Arrays.copyOf(stopIds, stopIds.length + eos.length);
        System.arraycopy(eos, 0, minTokensMasked, stopIds.length, eos.length);
        outputCounts = params.hasOutputPenalties() ? new TokenCounts(64) : null;
        if (params.hasRepetitionPenalty()) {
            promptAndOutput = new TokenCounts(promptTokenIds.length + 64);
            for (int id : promptTokenIds) {
                promptAndOutput.increment(id);
            }
        } else {
            promptAndOutput = null;
        }
    }

    /** Applies every edit to {@code logits[0..vocab)} in place. */
    void apply(float[] logits, int vocab) {
        for (int i = 0; i < biasIds.length; i++) {
            if (biasIds[i] >= vocab) {
                throw new IllegalArgumentException("logit_bias: token id " + biasIds[i]
                        + " is outside the vocabulary of " + vocab + " tokens");
            }
            logits[biasIds[i]] += biasValues[i];
        }
        if (generated < params.minTokens()) {
            for (int id : minTokensMasked) {
                if (id < vocab) { // an id the model cannot produce needs no mask
                    logits[id] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        if (promptAndOutput != null) {
            float penalty = (float) params.repetitionPenalty();
            for (int slot = 0; slot < promptAndOutput.capacity(); slot++) {
                int id = promptAndOutput.keyAt(slot);
                if (id >= 0 && id < vocab) {
                    float v = logits[id];
                    logits[id] = v > 0 ? v / penalty : v * penalty;
                }
            }
        }
        if (outputCounts != null) {
            float frequency = (float) params.frequencyPenalty();
            float presence = (float) params.presencePenalty();
            for (int slot = 0; slot < outputCounts.capacity(); slot++) {
                int id = outputCounts.keyAt(slot);
                if (id >= 0 && id < vocab) {
                    logits[id] -= frequency * outputCounts.countAt(slot) + presence;
                }
            }
        }
    }

    /** Counts a generated token for min_tokens and the penalties. */
    void record(int tokenId) {
        generated++;
        if (outputCounts != null) {
            outputCounts.increment(tokenId);
        }
        if (promptAndOutput != null) {
            promptAndOutput.increment(tokenId);
        }
    }

    int generated() {
        return generated;
    }
}
