package dev.infer.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Samples one row in plain Java (double-precision exp throughout): the semantics {@link SamplingSettings}
 * states, and the algorithm of the C kernel ({@code sampling.c}). Holds vocabulary-sized scratch arrays, reused
 * row after row; one per thread.
 */
final class RowSampler {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private final float[] x;
    private final long[] keys;
    private final double[] weights;
    private final RankedPrefix ranking = new RankedPrefix();

    RowSampler(int vocab) {
        x = new float[vocab];
        keys = new long[vocab];
        weights = new double[vocab];
    }

    int vocab() {
        return x.length;
    }

    /** Samples row {@code r}; its penalties are applied to {@code logits} in place first. */
    SampledToken sample(MemorySegment logits, int r, SamplingRow row) {
        int vocab = x.length;
        long base = (long) r * vocab;
        applyPenalties(logits, base, row.penalties());
        MemorySegment.copy(logits, F, base * Float.BYTES, x, 0, vocab);
        RowStats st = RowStats.of(x, vocab);
        if (st.nan() || st.max() == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("sampling: no token can be sampled: the logits contain NaN, or every"
                    + " logit is -inf");
        }
        SamplingSettings s = row.settings();
        int token;
        if (s.isGreedy()) {
            token = argmax();
        } else if (s.topK() <= 0 && s.topP() >= 1) {
            token = drawInIdOrder(st.max(), 1f / s.temperature(), s.minP(), row.uniform());
        } else {
            token = drawRanked(st, s, row.uniform());
        }
        return s.needsLogprobs() ? withLogprobs(st, s, token) : new SampledToken(token, Float.NaN, new int[0],
                new float[0]);
    }

    private static void applyPenalties(MemorySegment logits, long base, Penalties p) {
        if (p.repetition() != 1f) {
            for (int id : p.repetitionIds()) {
                float v = logits.getAtIndex(F, base + id);
                logits.setAtIndex(F, base + id, v > 0 ? v / p.repetition() : v * p.repetition());
            }
        }
        if (p.presence() != 0f || p.frequency() != 0f) {
            for (int i = 0; i < p.outputIds().length; i++) {
                long at = base + p.outputIds()[i];
                logits.setAtIndex(F, at, logits.getAtIndex(F, at) - (p.frequency() * p.outputCounts()[i] + p.presence()));
            }
        }
    }

    private int argmax() {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private double sumExp(float max, float invT) {
        double total = 0;
        for (float v : x) {
            total += Math.exp((v - max) * invT);
        }
        return total;
    }

    /** Temperature and min-p only: no ranking; the draw walks the vocabulary in id order. */
    private int drawInIdOrder(float max, float invT, float minP, double u) {
        double total = 0;
        int last = 0;
        for (int i = 0; i < x.length; i++) {
            double w = Math.exp((x[i] - max) * invT); // the top token weighs exactly 1
            weights[i] = w >= minP ? w : 0;
            total += weights[i];
            last = weights[i] > 0 ? i : last;
        }
        double r = u * total;
        double acc = 0;
        for (int i = 0; i <= last; i++) {
            acc += weights[i];
            if (r < acc) {
                return i;
            }
        }
        return last;
    }

    /** top-k, then top-p (relative to the top-k mass, or the whole row's), then min-p; draws in rank order. */
    private int drawRanked(RowStats st, SamplingSettings s, double u) {
        float invT = 1f / s.temperature();
        int m;
        double pool;
        if (s.topK() > 0) {
            m = Math.min(s.topK(), ranking.select(x, x.length, st, s.topK(), 0, invT, keys));
            pool = -1;
        } else {
            pool = sumExp(st.max(), invT);
            m = ranking.select(x, x.length, st, 1, s.topP() * pool, invT, keys);
        }
        double keptMass = 0;
        for (int i = 0; i < m; i++) {
            weights[i] = Math.exp((RankedPrefix.value(keys[i]) - st.max()) * invT);
            keptMass += weights[i];
        }
        int kept = topPCut(m, s.topP(), pool < 0 ? keptMass : pool);
        while (kept > 1 && !(weights[kept - 1] >= s.minP() && weights[kept - 1] > 0)) {
            kept--;
        }
        double total = 0;
        for (int i = 0; i < kept; i++) {
            total += weights[i];
        }
        double r = u * total;
        double acc = 0;
        for (int i = 0; i < kept; i++) {
            acc += weights[i];
            if (r < acc) {
                return RankedPrefix.id(keys[i]);
            }
        }
        return RankedPrefix.id(keys[kept - 1]);
    }

    /** How many ranked candidates top-p keeps: while the mass before a token is below top_p × pool. */
    private int topPCut(int m, float topP, double pool) {
        if (topP >= 1) {
            return m;
        }
        double target = topP * pool;
        double before = 0;
        for (int i = 0; i < m; i++) {
            if (before >= target && i > 0) {
                return i;
            }
            before += weights[i];
        }
        return m;
    }

    private SampledToken withLogprobs(RowStats st, SamplingSettings s, int token) {
        double logZ = st.max() + Math.log(sumExp(st.max(), 1f));
        int n = s.topLogprobs() == 0 ? 0
                : Math.min(s.topLogprobs(), ranking.select(x, x.length, st, s.topLogprobs(), 0, 1f, keys));
        int[] ids = new int[n];
        float[] lps = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = RankedPrefix.id(keys[i]);
            lps[i] = (float) (x[ids[i]] - logZ);
        }
        return new SampledToken(token, (float) (x[token] - logZ), ids, lps);
    }
}
