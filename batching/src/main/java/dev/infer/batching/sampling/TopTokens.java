package dev.infer.batching.sampling;

import java.util.Arrays;

/**
 * Ranking token ids by logit without sorting the vocabulary: a bounded min-heap of primitive ids for "the n largest"
 * (O(V) compares plus O(n log n) heap work), and a primitive full sort only as a fallback. Ties rank the lower id
 * first everywhere, so every result is deterministic.
 */
final class TopTokens {
    private TopTokens() {
    }

    /** The id of the largest value, the lowest id among equal maxima. */
    static int argmax(float[] values, int vocab) {
        int best = 0;
        float bestValue = values[0];
        for (int i = 1; i < vocab; i++) {
            if (values[i] > bestValue) {
                bestValue = values[i];
                best = i;
            }
        }
        return best;
    }

    static float max(float[] values, int vocab) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            m = Math.max(m, values[i]);
        }
        return m;
    }

    /**
     * Writes the ids of the {@code n} largest of {@code values[0..vocab)} into {@code out[0..n)}, largest first.
     * {@code out} is the heap itself, so nothing is allocated. Returns {@code min(n, vocab)}.
     */
    static int select(float[] values, int vocab, int n, int[] out) {
        n = Math.min(n, vocab);
        if (n <= 0) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(values, out, i, n);
        }
        // out[0] is the worst of the kept ones; most ids lose against it with a single compare.
        for (int id = n; id < vocab; id++) {
            if (worse(values, out[0], id)) {
                out[0] = id;
                siftDown(values, out, 0, n);
            }
        }
        // Heap sort: moving the worst to the back leaves the array best-first.
        for (int end = n - 1; end > 0; end--) {
            int t = out[0];
            out[0] = out[end];
            out[end] = t;
            siftDown(values, out, 0, end);
        }
        return n;
    }

    /** All ids, largest first, via one primitive sort of packed (value, id) keys. The slow path; rarely needed. */
    static int sortAll(float[] values, int vocab, int[] out, long[] keys) {
        for (int id = 0; id < vocab; id++) {
            int bits = Float.floatToIntBits(values[id]);
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed int that orders like the float
            keys[id] = ((long) ~ordered << 32) | id;          // ascending key = descending value, then ascending id
        }
        Arrays.sort(keys, 0, vocab);
        for (int i = 0; i < vocab; i++) {
            out[i] = (int) keys[i];
        }
        return vocab;
    }

    /** Whether id a ranks below id b: a smaller value, or an equal value and a higher id. */
    private static boolean worse(float[] values, int a, int b) {
        float va = values[a];
        float vb = values[b];
        return va < vb || (va == vb && a > b);
    }

    private static void siftDown(float[] values, int[] heap, int i, int size) {
        int id = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && worse(values, heap[child + 1], heap[child])) {
                child++;
            }
            if (!worse(values, heap[child], id)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = id;
    }
}
