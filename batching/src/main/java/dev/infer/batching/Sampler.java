package dev.infer.batching;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits: greedy (argmax, lowest id on ties), or temperature sampling
 * restricted by top-k and top-p. Owns its random stream, so a seeded request is reproducible regardless of
 * what else runs. The full sampling pipeline (penalties, min-p, logprobs) arrives with the scheduler.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = params.seed() == null ? new SplittableRandom() : new SplittableRandom(params.seed());
    }

    public int sample(float[] logits) {
        if (params.isGreedy()) {
            return argmax(logits);
        }
        int[] order = candidates(logits);
        double[] probs = softmax(logits, order);
        int kept = nucleus(probs);
        double r = random.nextDouble() * cumulative(probs, kept);
        double acc = 0;
        for (int i = 0; i < kept; i++) {
            acc += probs[i];
            if (r < acc) {
                return order[i];
            }
        }
        return order[kept - 1];
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Token ids sorted by logit, descending, cut to top-k when set. */
    private int[] candidates(float[] logits) {
        Integer[] ids = new Integer[logits.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, (a, b) -> Float.compare(logits[b], logits[a]));
        int k = params.topK() > 0 ? Math.min(params.topK(), ids.length) : ids.length;
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    private double[] softmax(float[] logits, int[] order) {
        double[] p = new double[order.length];
        double max = logits[order[0]];
        double sum = 0;
        for (int i = 0; i < order.length; i++) {
            p[i] = Math.exp((logits[order[i]] - max) / params.temperature());
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Smallest prefix whose probability reaches top-p (always at least one token). */
    private int nucleus(double[] sortedProbs) {
        if (params.topP() >= 1) {
            return sortedProbs.length;
        }
        double acc = 0;
        for (int i = 0; i < sortedProbs.length; i++) {
            acc += sortedProbs[i];
            if (acc >= params.topP()) {
                return i + 1;
            }
        }
        return sortedProbs.length;
    }

    private static double cumulative(double[] p, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += p[i];
        }
        return s;
    }
}
