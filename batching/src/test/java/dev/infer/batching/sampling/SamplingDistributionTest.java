package dev.infer.batching.sampling;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Draws many tokens from fixed logits and compares the frequencies with the exact distribution that the
 * definitions of temperature, top-k, top-p and min-p give, computed here independently and naively. Seeds are fixed,
 * and each tolerance is 4 standard deviations of a binomial frequency plus a little, so a pass is not luck and a
 * real deviation (like a token off by one rank) still fails. Tokens the definition excludes must never appear.
 */
class SamplingDistributionTest {
    private static final int DRAWS = 20_000;
    /** Ties (ids 1 and 3, ids 5 and 6) check the lower-id-first rank order at the top-p / top-k boundary. */
    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f, 0.5f, 0.5f, 2.5f, -3f, 0f};

    /** The exact sampling distribution, straight from the definitions. */
    static double[] expected(float[] logits, double t, int topK, double topP, double minP) {
        int v = logits.length;
        Integer[] order = IntStream.range(0, v).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                .toArray(Integer[]::new);
        int kept = topK > 0 ? Math.min(topK, v) : v;
        double[] p = new double[v];
        double z = 0;
        for (int r = 0; r < kept; r++) {
            z += Math.exp(logits[order[r]] / t);
        }
        for (int r = 0; r < kept; r++) {
            p[order[r]] = Math.exp(logits[order[r]] / t) / z;
        }
        double before = 0;
        int nucleus = 0;
        while (nucleus < kept && (nucleus == 0 || before < topP)) {
            before += p[order[nucleus++]];
        }
        double top = p[order[0]];
        double[] q = new double[v];
        double total = 0;
        for (int r = 0; r < nucleus; r++) {
            int id = order[r];
            if (p[id] >= minP * top) {
                q[id] = p[id];
                total += p[id];
            }
        }
        for (int i = 0; i < v; i++) {
            q[i] /= total;
        }
        return q;
    }

    private static void assertFollows(SamplingParams params, float[] logits, double[] expected) {
        SequenceSampler sampler = new SequenceSampler(params, new int[0], new int[0]);
        int[] counts = new int[logits.length];
        for (int i = 0; i < DRAWS; i++) {
            counts[sampler.sample(logits).tokenId()]++;
        }
        for (int id = 0; id < logits.length; id++) {
            double p = expected[id];
            double freq = counts[id] / (double) DRAWS;
            if (p == 0) {
                assertThat(counts[id]).as("token %d is excluded by %s", id, params).isZero();
            } else {
                double tolerance = 4 * Math.sqrt(p * (1 - p) / DRAWS) + 1e-4;
                assertThat(Math.abs(freq - p)).as("token %d: frequency %.4f, expected %.4f", id, freq, p)
                        .isLessThanOrEqualTo(tolerance);
            }
        }
    }

    private static SamplingParams.Builder seeded(long seed) {
        return SamplingParams.builder().seed(seed);
    }

    @Test
    void temperatureScalesTheSoftmax() {
        for (double t : new double[]{1.0, 0.5, 2.0}) {
            assertFollows(seeded(1).temperature(t).build(), LOGITS, expected(LOGITS, t, 0, 1, 0));
        }
    }

    @Test
    void topKKeepsTheKMostLikely() {
        // k = 2 cuts between the tied ids 1 and 3 and id 7: only ids 1 and 3 remain.
        assertFollows(seeded(2).topK(2).build(), LOGITS, expected(LOGITS, 1, 2, 1, 0));
        assertFollows(seeded(3).topK(5).temperature(1.5).build(), LOGITS, expected(LOGITS, 1.5, 5, 1, 0));
        assertFollows(seeded(3).topK(4).temperature(0.7).build(), LOGITS, expected(LOGITS, 0.7, 4, 1, 0));
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingTheMass() {
        for (double p : new double[]{0.3, 0.6, 0.8, 0.95}) {
            assertFollows(seeded(4).topP(p).build(), LOGITS, expected(LOGITS, 1, 0, p, 0));
        }
        assertFollows(seeded(5).topP(0.7).temperature(0.6).build(), LOGITS, expected(LOGITS, 0.6, 0, 0.7, 0));
    }

    @Test
    void minPDropsTokensFarBelowTheTop() {
        assertFollows(seeded(6).minP(0.2).build(), LOGITS, expected(LOGITS, 1, 0, 1, 0.2));
        assertFollows(seeded(7).minP(0.05).temperature(2).build(), LOGITS, expected(LOGITS, 2, 0, 1, 0.05));
    }

    @Test
    void topKTopPAndMinPCombineInThatOrder() {
        assertFollows(seeded(8).topK(6).topP(0.9).minP(0.15).temperature(1.3).build(), LOGITS,
                expected(LOGITS, 1.3, 6, 0.9, 0.15));
        assertFollows(seeded(9).topK(4).topP(0.5).build(), LOGITS, expected(LOGITS, 1, 4, 0.5, 0));
    }

    @Test
    void topPBeyondTheRankedCandidatesFallsBackToAFullSort() {
        // 5,000 equal logits: top_p 0.9 needs ids 0..4499, far more than the heap's 1024 candidates.
        float[] flat = new float[5000];
        SequenceSampler sampler = new SequenceSampler(seeded(10).topP(0.9).build(), new int[0], new int[0]);
        int highest = 0;
        for (int i = 0; i < DRAWS; i++) {
            int id = sampler.sample(flat).tokenId();
            assertThat(id).isLessThan(4500);
            highest = Math.max(highest, id);
        }
        assertThat(highest).isGreaterThan(4400);
    }

    @Test
    void largeTopKMatchesTheDefinitionOnAWideRow() {
        float[] wide = new float[3000];
        java.util.SplittableRandom r = new java.util.SplittableRandom(12);
        for (int i = 0; i < wide.length; i++) {
            wide[i] = (float) (r.nextDouble() * 2);
        }
        wide[17] = 6;
        wide[2999] = 5.5f;
        assertFollows(seeded(13).topK(1500).topP(0.5).build(), wide, expected(wide, 1, 1500, 0.5, 0));
    }
}
