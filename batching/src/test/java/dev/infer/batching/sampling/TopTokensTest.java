package dev.infer.batching.sampling;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TopTokensTest {
    /** Reference ranking: boxed full sort, value descending, id ascending. */
    private static int[] ranked(float[] v) {
        return IntStream.range(0, v.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -v[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    @Test
    void heapSelectionMatchesAFullSortIncludingTies() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int vocab = 1 + r.nextInt(400);
            float[] v = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                v[i] = r.nextInt(20) - 10 + (r.nextBoolean() ? 0.5f : 0f); // many ties
            }
            if (trial % 7 == 0) {
                v[r.nextInt(vocab)] = Float.NEGATIVE_INFINITY;
            }
            int[] expected = ranked(v);
            int n = 1 + r.nextInt(vocab + 5);
            int[] out = new int[Math.min(n, vocab)];
            int got = TopTokens.select(v, vocab, n, out);
            assertThat(got).isEqualTo(Math.min(n, vocab));
            assertThat(out).containsExactly(Arrays.copyOf(expected, got));
            int[] all = new int[vocab];
            TopTokens.sortAll(v, vocab, all, new long[vocab]);
            assertThat(all).containsExactly(expected);
        }
    }

    @Test
    void argmaxTakesTheLowestIdAmongEqualMaxima() {
        assertThat(TopTokens.argmax(new float[]{1, 3, 2, 3, -1}, 5)).isEqualTo(1);
        assertThat(TopTokens.argmax(new float[]{1, 3, 2, 3, 9}, 4)).as("only the first vocab entries count").isEqualTo(1);
    }

    @Test
    void tokenCountsAgreeWithAHashMapAcrossGrowth() {
        TokenCounts counts = new TokenCounts(4);
        Map<Integer, Integer> expected = new HashMap<>();
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 5000; i++) {
            int id = r.nextInt(151_936);
            if (i % 3 == 0) {
                id = r.nextInt(50); // repeats
            }
            counts.increment(id);
            expected.merge(id, 1, Integer::sum);
        }
        assertThat(counts.size()).isEqualTo(expected.size());
        expected.forEach((id, c) -> assertThat(counts.get(id)).isEqualTo(c));
        assertThat(counts.get(151_937)).isZero();
        int seen = 0;
        for (int slot = 0; slot < counts.capacity(); slot++) {
            if (counts.keyAt(slot) >= 0) {
                seen++;
                assertThat(counts.countAt(slot)).isEqualTo(expected.get(counts.keyAt(slot)));
            }
        }
        assertThat(seen).isEqualTo(expected.size());
    }
}
