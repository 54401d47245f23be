package dev.infer.batching.sampling;

/**
 * Draws one token from softmax(logits / temperature) restricted, in this order, by top-k (the k most likely),
 * top-p (the most likely tokens, in rank order, while the mass before them is below top_p, so at least one) and
 * min-p (tokens with probability at least min_p × the top token's), renormalized over what is left.
 *
 * <p>Never sorts the vocabulary. Top-k selects k ids with a bounded heap. Top-p without top-k first sums the full
 * softmax denominator (one exp pass), then ranks only the top {@value #TOP_P_CANDIDATES} by heap, which for real
 * models holds the nucleus; only when their mass is below top_p does it fall back to a primitive full sort.
 * With neither, the draw walks the vocabulary in id order, so nothing is ranked at all.
 */
final class TruncatedDraw {
    /** Candidates ranked before falling back to a full sort for top-p. */
    static final int TOP_P_CANDIDATES = 1024;

    private TruncatedDraw() {
    }

    /**
     * @param u a uniform number in [0, 1), the request's one random draw for this step
     */
    static int draw(float[] logits, int vocab, double temperature, int topK, double topP, double minP, double u,
                    SamplingWorkspace ws) {
        float max = TopTokens.max(logits, vocab);
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
            throw new IllegalStateException("no token can be sampled: the logits contain NaN, or every logit is -inf"
                    + " after logit_bias, min_tokens and penalties");
        }
        double invT = 1 / temperature;
        if (topK <= 0 && topP >= 1) {
            return drawInIdOrder(logits, vocab, max, invT, minP, u, ws);
        }
        int n;
        double topPMass; // the normalizer top-p measures mass against: the top-k set, or the whole vocabulary
        if (topK > 0) {
            n = TopTokens.select(logits, vocab, topK, ws.ids(Math.min(topK, vocab)));
            topPMass = weighCandidates(logits, max, invT, n, ws);
        } else {
            topPMass = 0;
            for (int id = 0; id < vocab; id++) {
                topPMass += Math.exp((logits[id] - max) * invT);
            }
            n = TopTokens.select(logits, vocab, TOP_P_CANDIDATES, ws.ids(Math.min(TOP_P_CANDIDATES, vocab)));
            if (weighCandidates(logits, max, invT, n, ws) < topP * topPMass) {
                n = TopTokens.sortAll(logits, vocab, ws.ids(vocab), ws.sortKeys(vocab));
                weighCandidates(logits, max, invT, n, ws);
            }
        }
        double[] w = ws.candidateWeights;
        int kept = n;
        if (topP < 1) {
            double target = topP * topPMass;
            double before = 0;
            for (int i = 0; i < n; i++) {
                if (before >= target && i > 0) {
                    kept = i;
                    break;
                }
                before += w[i];
            }
        }
        // Candidates are best first, so min-p (a threshold relative to the top token, weight 1) cuts a suffix.
        while (kept > 1 && !(w[kept - 1] >= minP && w[kept - 1] > 0)) {
            kept--;
        }
        double total = 0;
        for (int i = 0; i < kept; i++) {
            total += w[i];
        }
        double r = u * total;
        double acc = 0;
        for (int i = 0; i < kept; i++) {
            acc += w[i];
            if (r < acc) {
                return ws.ids[i];
            }
        }
        return ws.ids[kept - 1]; // rounding left r at the very top; the last kept token has positive weight
    }

    /** exp((logit - max) / T) of ws.ids[0..n) into ws.candidateWeights; returns their sum. */
    private static double weighCandidates(float[] logits, float max, double invT, int n, SamplingWorkspace ws) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = Math.exp((logits[ws.ids[i]] - max) * invT);
            ws.candidateWeights[i] = w;
            sum += w;
        }
        return sum;
    }

    /** Temperature (and min-p) alone: no ranking needed; weights by id, then one walk. */
    private static int drawInIdOrder(float[] logits, int vocab, float max, double invT, double minP, double u,
                                     SamplingWorkspace ws) {
        double[] w = ws.weights(vocab);
        double total = 0;
        int last = -1;
        for (int id = 0; id < vocab; id++) {
            double x = Math.exp((logits[id] - max) * invT); // the top token has weight exactly 1
            if (x < minP) {
                x = 0;
            }
            w[id] = x;
            total += x;
            if (x > 0) {
                last = id;
            }
        }
        double r = u * total;
        double acc = 0;
        for (int id = 0; id <= last; id++) {
            acc += w[id];
            if (r < acc) {
                return id;
            }
        }
        return last;
    }
}
