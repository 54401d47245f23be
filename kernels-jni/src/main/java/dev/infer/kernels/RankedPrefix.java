package dev.infer.kernels;

import java.util.Arrays;

/**
 * The best-ranked tokens of a row without sorting the row: a histogram over [min, max] counts tokens (and
 * their softmax mass) per bucket; walking down from the top bucket finds the first where enough tokens, or
 * enough mass, lie above; only tokens in those buckets are gathered and sorted. The C kernel
 * ({@code sampling.c}, {@code rank_prefix}) does the same, with a shortcut for count-only prefixes of long rows
 * (a threshold from a sample); the sorted prefix is the same either way.
 */
final class RankedPrefix {
    static final int BUCKETS = 2048;

    private final int[] count = new int[BUCKETS];
    private final double[] mass = new double[BUCKETS];

    /**
     * Writes rank keys (see {@link #key}) of the best tokens into {@code keys}, best first: at least
     * {@code minCount} (when the row has that many) and, when {@code minMass > 0}, at least that much
     * {@code Σ exp((v - max) * invT)}. Returns how many.
     */
    int select(float[] x, int vocab, RowStats st, int minCount, double minMass, float invT, long[] keys) {
        Arrays.fill(count, 0);
        Arrays.fill(mass, 0);
        float span = st.max() - st.min();
        float invWidth = span > 0 ? (BUCKETS - 1) / span : 0f;
        for (int i = 0; i < vocab; i++) {
            int b = bucket(x[i], st.max(), invWidth);
            count[b]++;
            if (minMass > 0) {
                mass[b] += Math.exp((x[i] - st.max()) * invT);
            }
        }
        int cut = cutBucket(minCount, minMass);
        int m = 0;
        for (int i = 0; i < vocab; i++) {
            if (bucket(x[i], st.max(), invWidth) <= cut) {
                keys[m++] = key(x[i], i);
            }
        }
        Arrays.sort(keys, 0, m);
        return m;
    }

    private int cutBucket(int minCount, double minMass) {
        long seen = 0;
        double seenMass = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += count[b];
            seenMass += mass[b];
            if (seen >= minCount && seenMass >= minMass) {
                // One bucket more when mass decides: the candidates' own sums may round below the histogram's.
                return minMass > 0 && b + 1 < BUCKETS ? b + 1 : b;
            }
        }
        return BUCKETS - 1;
    }

    private static int bucket(float v, float max, float invWidth) {
        float b = (max - v) * invWidth; // +inf for -inf logits, NaN when the width is 0
        return b < BUCKETS - 1 ? (int) b : BUCKETS - 1;
    }

    /** A key whose ascending order is descending value, then ascending id. */
    static long key(float v, int id) {
        int bits = Float.floatToRawIntBits(v);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // a signed int ordered like the float
        return ((long) ~ordered << 32) | id;
    }

    static int id(long key) {
        return (int) key;
    }

    static float value(long key) {
        int ordered = ~(int) (key >> 32);
        return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7fffffff));
    }
}
