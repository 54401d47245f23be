package dev.infer.kernels;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The test oracle: sampling by sorting the whole vocabulary, written straight from {@link SamplingSettings}'s
 * definitions. Slow and obvious; the kernels must pick what it picks.
 */
final class SortingSampler {
    private SortingSampler() {
    }

    static SampledToken sample(float[] logits, SamplingRow row) {
        float[] x = penalized(logits, row.penalties());
        SamplingSettings s = row.settings();
        Integer[] ranked = IntStream.range(0, x.length).boxed().toArray(Integer[]::new);
        Arrays.sort(ranked, Comparator.<Integer>comparingDouble(i -> -x[i]).thenComparingInt(i -> i));
        int token = s.isGreedy() ? ranked[0] : draw(x, ranked, s, row.uniform());
        if (!s.needsLogprobs()) {
            return new SampledToken(token, Float.NaN, new int[0], new float[0]);
        }
        float max = x[ranked[0]];
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        int[] ids = new int[Math.min(s.topLogprobs(), x.length)];
        float[] lps = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ranked[i];
            lps[i] = (float) (x[ids[i]] - logZ);
        }
        return new SampledToken(token, (float) (x[token] - logZ), ids, lps);
    }

    static float[] penalized(float[] logits, Penalties p) {
        float[] x = logits.clone();
        if (p.repetition() != 1) {
            for (int id : p.repetitionIds()) {
                x[id] = x[id] > 0 ? x[id] / p.repetition() : x[id] * p.repetition();
            }
        }
        for (int i = 0; i < p.outputIds().length; i++) {
            x[p.outputIds()[i]] -= p.frequency() * p.outputCounts()[i] + p.presence();
        }
        return x;
    }

    private static int draw(float[] x, Integer[] ranked, SamplingSettings s, double u) {
        float max = x[ranked[0]];
        float invT = 1f / s.temperature();
        double[] w = new double[x.length];
        double all = 0;
        for (int i = 0; i < x.length; i++) {
            w[i] = Math.exp((x[i] - max) * invT);
            all += w[i];
        }
        if (s.topK() <= 0 && s.topP() >= 1) {
            // Neither: the draw walks ids in order, min-p zeroing the tokens it drops.
            Integer[] byId = IntStream.range(0, x.length).boxed().toArray(Integer[]::new);
            return walk(byId, x.length, w, s.minP(), u);
        }
        int kept = s.topK() > 0 ? Math.min(s.topK(), x.length) : x.length;
        double pool = 0;
        for (int i = 0; i < kept; i++) {
            pool += w[ranked[i]];
        }
        if (s.topK() <= 0) {
            pool = all;
        }
        double before = 0;
        for (int i = 0; i < kept && s.topP() < 1; i++) {
            if (before >= s.topP() * pool && i > 0) {
                kept = i;
                break;
            }
            before += w[ranked[i]];
        }
        while (kept > 1 && !(w[ranked[kept - 1]] >= s.minP() && w[ranked[kept - 1]] > 0)) {
            kept--;
        }
        return walk(ranked, kept, w, 0, u);
    }

    private static int walk(Integer[] order, int n, double[] w, double minP, double u) {
        double total = 0;
        int last = order[0];
        for (int i = 0; i < n; i++) {
            if (w[order[i]] >= minP && w[order[i]] > 0) {
                total += w[order[i]];
                last = order[i];
            }
        }
        double acc = 0;
        for (int i = 0; i < n; i++) {
            if (w[order[i]] >= minP && w[order[i]] > 0) {
                acc += w[order[i]];
                if (u * total < acc) {
                    return order[i];
                }
            }
        }
        return last;
    }
}
