package dev.infer.batching.sampling;

/**
 * Scratch arrays for sampling, grown to the vocabulary once and reused on every call so the hot path allocates
 * nothing. Each {@link SequenceSampler} makes its own by default; the scheduler, which samples all rows on one
 * thread, can hand one workspace to all its samplers instead (2 to 5 MB for a 152k vocabulary, depending on the paths
 * used, once instead of per request).
 * Not thread-safe: one workspace must only be used by one thread at a time.
 */
public final class SamplingWorkspace {
    /** The row being processed (bias, masks and penalties are applied here, never to the caller's buffer). */
    float[] logits = new float[0];
    /** Unnormalized probabilities, by token id, for the paths that do not sort. */
    double[] weights = new double[0];
    /** Candidate ids, best first. */
    int[] ids = new int[0];
    /** Unnormalized probabilities of {@link #ids}, same order. */
    double[] candidateWeights = new double[0];
    /** Packed sort keys for the full-sort fallback. */
    long[] sortKeys = new long[0];
    /** Ids for top_logprobs. */
    int[] topIds = new int[SamplingParams.MAX_TOP_LOGPROBS];

    float[] logits(int vocab) {
        if (logits.length < vocab) {
            logits = new float[vocab];
        }
        return logits;
    }

    double[] weights(int vocab) {
        if (weights.length < vocab) {
            weights = new double[vocab];
        }
        return weights;
    }

    int[] ids(int n) {
        if (ids.length < n) {
            ids = new int[n];
            candidateWeights = new double[n];
        }
        return ids;
    }

    long[] sortKeys(int vocab) {
        if (sortKeys.length < vocab) {
            sortKeys = new long[vocab];
        }
        return sortKeys;
    }
}
