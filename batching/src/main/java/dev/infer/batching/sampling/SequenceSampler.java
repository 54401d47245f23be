package dev.infer.batching.sampling;

import java.util.SplittableRandom;

/**
 * Samples the tokens of one sequence, one logits row per step, and keeps the state that sampling needs between
 * steps: its own random stream (seeded from the request, so the tokens do not depend on what else is batched with
 * it, or on the order rows are sampled in) and the token counts behind min_tokens and the penalties.
 *
 * <p>Processing order for each row (on a private copy; the caller's buffer is never written):
 * <ol>
 *   <li>logit_bias is added;</li>
 *   <li>min_tokens: while fewer than min_tokens tokens have been generated, EOS (unless ignore_eos) and
 *       stop_token_ids are set to -inf;</li>
 *   <li>penalties: repetition_penalty over prompt and generated ids, then frequency and presence over generated
 *       ids (see {@link LogitsProcessor});</li>
 *   <li>logprobs are taken here, if asked for (below);</li>
 *   <li>temperature 0 (or top_k 1): argmax, lowest id on ties, no random number used. Otherwise logits are divided
 *       by temperature, then top-k, top-p and min-p restrict the candidates and one uniform draw picks the token
 *       (see {@link TruncatedDraw}).</li>
 * </ol>
 *
 * <p>Logprob convention: the log-softmax of the logits after step 3, at temperature 1 and before any top-k / top-p /
 * min-p truncation. This follows vLLM's default of reporting the model's distribution rather than the sampling
 * distribution (so changing temperature does not change reported logprobs), with one deliberate difference:
 * vLLM's default "raw" logprobs are also taken before bias and penalties, ours after them, so a token banned by
 * logit_bias or masked by min_tokens reports its true chance of -inf / near zero.
 *
 * <p>{@link #sample} counts the token it returns as generated: call it exactly once per generated token.
 * Not thread-safe; a sequence is sampled by one thread at a time.
 */
public final class SequenceSampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    private final LogitsProcessor processor;
    private final SamplingWorkspace workspace;

    /** With its own workspace. */
    public SequenceSampler(SamplingParams params, int[] promptTokenIds, int[] eosTokenIds) {
        this(params, promptTokenIds, eosTokenIds, new SamplingWorkspace());
    }

    /**
     * @param promptTokenIds the prompt, for repetition_penalty
     * @param eosTokenIds    the model's end-of-sequence ids, masked by min_tokens unless ignore_eos
     * @param workspace      scratch arrays, which samplers used by the same thread may share
     */
    public SequenceSampler(SamplingParams params, int[] promptTokenIds, int[] eosTokenIds, SamplingWorkspace workspace) {
        this.params = params;
        this.random = params.seed() == null ? new SplittableRandom() : new SplittableRandom(params.seed());
        this.processor = new LogitsProcessor(params, promptTokenIds, eosTokenIds);
        this.workspace = workspace;
    }

    public SampleResult sample(float[] logitsRow) {
        return sample(logitsRow, 0, logitsRow.length);
    }

    /** Samples from {@code buf[offset .. offset + vocab)}, e.g. one row of a batch's logits. */
    public SampleResult sample(float[] buf, int offset, int vocab) {
        return sample(buf, offset, vocab, TokenSteering.NONE);
    }

    /**
     * Samples from one row as {@link #sample(float[], int, int)} does, under {@code steering}: banned ids are masked
     * after the request's own edits, a forced token is taken without a draw, and the chosen token may be replaced.
     * A forced or replacing token reports its logprob under the same processed logits, and counts as generated.
     */
    public SampleResult sample(float[] buf, int offset, int vocab, TokenSteering steering) {
        if (vocab <= 0 || offset < 0 || offset + vocab > buf.length) {
            throw new IllegalArgumentException("row [" + offset + ", " + offset + " + " + vocab
                    + ") does not fit a buffer of " + buf.length);
        }
        float[] logits = workspace.logits(vocab);
        System.arraycopy(buf, offset, logits, 0, vocab);
        processor.apply(logits, vocab);
        for (int id : steering.bannedTokens()) {
            if (id >= 0 && id < vocab) {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
        int forced = steering.forcedToken();
        int token = forced >= 0 ? forced : steering.replace(choose(logits, vocab));
        SampleResult result = params.needsLogprob() ? withLogprobs(logits, vocab, token) : SampleResult.withoutLogprobs(token);
        processor.record(token);
        return result;
    }

    private int choose(float[] logits, int vocab) {
        if (!params.isGreedy()) {
            return TruncatedDraw.draw(logits, vocab, params.temperature(), params.effectiveTopK(), params.topP(),
                    params.minP(), random.nextDouble(), workspace);
        }
        int token = TopTokens.argmax(logits, vocab);
        if (logits[token] == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("no token can be sampled: every logit is -inf after logit_bias,"
                    + " min_tokens and penalties");
        }
        return token;
    }

    /** Tokens sampled so far. */
    public int generated() {
        return processor.generated();
    }

    public SamplingParams params() {
        return params;
    }

    private SampleResult withLogprobs(float[] logits, int vocab, int token) {
        double logZ = logSumExp(logits, vocab);
        int n = TopTokens.select(logits, vocab, params.topLogprobs(), workspace.topIds);
        int[] ids = new int[n];
        float[] lps = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = workspace.topIds[i];
            lps[i] = (float) (logits[ids[i]] - logZ);
        }
        return new SampleResult(token, (float) (logits[token] - logZ), ids, lps);
    }

    /** log Σ exp(logits), shifted by the max so nothing overflows. */
    static double logSumExp(float[] logits, int vocab) {
        float max = TopTokens.max(logits, vocab);
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[i] - max);
        }
        return max + Math.log(sum);
    }
}
