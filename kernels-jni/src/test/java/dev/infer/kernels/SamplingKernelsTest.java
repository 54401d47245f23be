package dev.infer.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sampling: the Java kernel against the sort-everything oracle, the native kernel against the Java one (same
 * tokens for the same uniforms, logprobs within tolerance), and bad inputs.
 */
class SamplingKernelsTest {
    private static final JavaSamplingKernels JAVA = new JavaSamplingKernels(2);
    private static final float[] TEMPERATURES = {0, 0.3f, 0.7f, 1, 1.6f};
    private static final int[] TOP_KS = {0, 0, 1, 5, 50, 3000};
    private static final float[] TOP_PS = {1, 1, 0.9f, 0.5f, 0.97f};
    private static final float[] MIN_PS = {0, 0, 0.05f, 0.3f};
    private static final int[] TOP_LOGPROBS = {0, 1, 5, 20};

    @AfterAll
    static void close() {
        JAVA.close();
    }

    private static SamplingRow randomRow(Random rnd, int vocab) {
        SamplingSettings s = new SamplingSettings(TEMPERATURES[rnd.nextInt(TEMPERATURES.length)],
                TOP_KS[rnd.nextInt(TOP_KS.length)], TOP_PS[rnd.nextInt(TOP_PS.length)],
                MIN_PS[rnd.nextInt(MIN_PS.length)], rnd.nextBoolean(), TOP_LOGPROBS[rnd.nextInt(TOP_LOGPROBS.length)]);
        Penalties p = Penalties.NONE;
        if (rnd.nextBoolean()) {
            int[] rep = rnd.ints(1 + rnd.nextInt(30), 0, vocab).distinct().toArray();
            int[] out = rnd.ints(1 + rnd.nextInt(10), 0, vocab).distinct().toArray();
            p = new Penalties(0.5f + rnd.nextFloat(), rnd.nextFloat() * 2 - 1, rnd.nextFloat() * 2 - 1, rep, out,
                    rnd.ints(out.length, 1, 5).toArray());
        }
        return new SamplingRow(s, p, rnd.nextDouble());
    }

    /** Gaussian logits at a random spread, with ties at the top and a few masked (-inf) tokens. */
    private static float[] randomLogits(Random rnd, int vocab) {
        float spread = new float[]{0.5f, 2, 6}[rnd.nextInt(3)];
        float[] x = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            x[i] = (float) rnd.nextGaussian() * spread;
        }
        int top = 0;
        for (int i = 1; i < vocab; i++) {
            top = x[i] > x[top] ? i : top;
        }
        x[rnd.nextInt(vocab)] = x[top];
        for (int i = 0; i < 3; i++) {
            x[rnd.nextInt(vocab)] = Float.NEGATIVE_INFINITY;
        }
        return x;
    }

    private static MemorySegment segment(Arena arena, float[][] rows) {
        MemorySegment seg = arena.allocate((long) rows.length * rows[0].length * Float.BYTES, 64);
        for (int r = 0; r < rows.length; r++) {
            MemorySegment.copy(rows[r], 0, seg, ValueLayout.JAVA_FLOAT, (long) r * rows[r].length * Float.BYTES,
                    rows[r].length);
        }
        return seg;
    }

    @ParameterizedTest(name = "vocab {0}")
    @ValueSource(ints = {7, 1000, 5003, 32000})
    void javaKernelPicksWhatSortingEverythingPicks(int vocab) {
        Random rnd = new Random(vocab);
        try (Arena arena = Arena.ofShared()) {
            for (int trial = 0; trial < 6; trial++) {
                float[][] logits = new float[8][];
                List<SamplingRow> rows = new ArrayList<>();
                for (int r = 0; r < logits.length; r++) {
                    logits[r] = randomLogits(rnd, vocab);
                    rows.add(randomRow(rnd, vocab));
                }
                SampledToken[] got = JAVA.sample(segment(arena, logits), vocab, rows);
                for (int r = 0; r < logits.length; r++) {
                    assertSame(got[r], SortingSampler.sample(logits[r], rows.get(r)), rows.get(r), 1e-5f);
                }
            }
        }
    }

    @ParameterizedTest(name = "vocab {0}")
    @ValueSource(ints = {7, 1000, 5003, 32000, 151936})
    void nativeKernelPicksWhatTheJavaKernelPicks(int vocab) {
        NativeLibrary.Status status = NativeLibrary.load();
        assumeTrue(status.loaded(), "native kernels not available here: " + status.detail());
        Random rnd = new Random(vocab * 7L);
        try (Arena arena = Arena.ofShared(); NativeSamplingKernels sampler = new NativeSamplingKernels(2)) {
            for (int trial = 0; trial < (vocab > 50_000 ? 2 : 8); trial++) {
                float[][] logits = new float[16][];
                List<SamplingRow> rows = new ArrayList<>();
                for (int r = 0; r < logits.length; r++) {
                    logits[r] = randomLogits(rnd, vocab);
                    rows.add(randomRow(rnd, vocab));
                }
                MemorySegment mine = segment(arena, logits);
                MemorySegment theirs = segment(arena, logits);
                SampledToken[] got = sampler.sample(mine, vocab, rows);
                SampledToken[] expected = JAVA.sample(theirs, vocab, rows);
                for (int r = 0; r < logits.length; r++) {
                    assertSame(got[r], expected[r], rows.get(r), 1e-4f);
                }
                assertThat(mine.mismatch(theirs)).as("penalized logits").isEqualTo(-1);
            }
        }
    }

    /**
     * A row whose best tokens all sit where the native kernel samples the row (every 16th id), so the sampled
     * threshold has far fewer than top_k tokens above it and the kernel must fall back to the full histogram.
     */
    @Test
    void nativeTopKIsExactWhenTheSampledThresholdFallsShort() {
        NativeLibrary.Status status = NativeLibrary.load();
        assumeTrue(status.loaded(), "native kernels not available here: " + status.detail());
        int vocab = 8192;
        Random rnd = new Random(99);
        float[] x = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            x[i] = (float) rnd.nextGaussian() + (i % 16 == 0 ? 10 : 0);
        }
        List<SamplingRow> rows = new ArrayList<>();
        for (double u : new double[]{0.01, 0.5, 0.99}) {
            rows.add(new SamplingRow(new SamplingSettings(1, 100, 1, 0, true, 20), Penalties.NONE, u));
        }
        try (Arena arena = Arena.ofShared(); NativeSamplingKernels sampler = new NativeSamplingKernels(1)) {
            float[][] logits = {x, x, x};
            SampledToken[] got = sampler.sample(segment(arena, logits), vocab, rows);
            for (int r = 0; r < rows.size(); r++) {
                assertSame(got[r], SortingSampler.sample(x, rows.get(r)), rows.get(r), 1e-4f);
            }
        }
    }

    /** Temperature and min-p only (the id-order draw, which native walks run by run): uniforms across [0, 1). */
    @Test
    void nativeIdOrderDrawsMatchJavaAcrossUniforms() {
        NativeLibrary.Status status = NativeLibrary.load();
        assumeTrue(status.loaded(), "native kernels not available here: " + status.detail());
        int vocab = 20_000;
        float[] x = randomLogits(new Random(5), vocab);
        List<SamplingRow> rows = new ArrayList<>();
        float[][] logits = new float[64][];
        for (int r = 0; r < logits.length; r++) {
            logits[r] = x;
            rows.add(new SamplingRow(new SamplingSettings(1.3f, 0, 1, r % 2 == 0 ? 0 : 0.1f, false, 0), Penalties.NONE,
                    (r + 0.5) / logits.length));
        }
        try (Arena arena = Arena.ofShared(); NativeSamplingKernels sampler = new NativeSamplingKernels(2)) {
            SampledToken[] got = sampler.sample(segment(arena, logits), vocab, rows);
            SampledToken[] expected = JAVA.sample(segment(arena, logits), vocab, rows);
            for (int r = 0; r < rows.size(); r++) {
                assertSame(got[r], expected[r], rows.get(r), 1e-4f);
            }
        }
    }

    private static void assertSame(SampledToken got, SampledToken expected, SamplingRow row, float tolerance) {
        assertThat(got.tokenId()).as("%s", row).isEqualTo(expected.tokenId());
        assertThat(got.topIds()).as("%s", row).isEqualTo(expected.topIds());
        if (row.settings().needsLogprobs()) {
            assertThat(got.logprob()).isCloseTo(expected.logprob(), within(tolerance));
            for (int i = 0; i < got.topIds().length; i++) {
                assertThat(got.topLogprobs()[i]).isCloseTo(expected.topLogprobs()[i], within(tolerance));
            }
        } else {
            assertThat(got.logprob()).isNaN();
        }
    }

    @Test
    void theSameUniformGivesTheSameTokenAndUniformsCoverTheCandidates() {
        int vocab = 50;
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = -0.1f * i;
        }
        SamplingSettings topK = new SamplingSettings(1, 10, 1, 0, false, 0);
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        try (Arena arena = Arena.ofShared()) {
            for (int i = 0; i < 200; i++) {
                double u = i / 200.0;
                SamplingRow row = new SamplingRow(topK, Penalties.NONE, u);
                int token = JAVA.sample(segment(arena, new float[][]{logits}), vocab, List.of(row))[0].tokenId();
                assertThat(token).isEqualTo(SortingSampler.sample(logits, row).tokenId());
                seen.add(token);
            }
        }
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void badInputsAreExceptions() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment logits = segment(arena, new float[][]{{1, 2, 3}});
            SamplingRow badId = new SamplingRow(SamplingSettings.greedy(),
                    new Penalties(1.2f, 0, 0, new int[]{3}, new int[0], new int[0]), 0.5);
            assertThatThrownBy(() -> JAVA.sample(logits, 3, List.of(badId)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("penalty token id 3");
            SamplingRow greedy = new SamplingRow(SamplingSettings.greedy(), Penalties.NONE, 0);
            assertThatThrownBy(() -> JAVA.sample(logits, 4, List.of(greedy)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 16");
            float ninf = Float.NEGATIVE_INFINITY;
            assertThatThrownBy(() -> JAVA.sample(segment(arena, new float[][]{{ninf, ninf}}), 2, List.of(greedy)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no token can be sampled");
            assertThatThrownBy(() -> new SamplingSettings(1, 0, 0, 0, false, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("top_p");
        }
    }

    @Test
    void nativeRejectsBadInputs() {
        NativeLibrary.Status status = NativeLibrary.load();
        assumeTrue(status.loaded(), "native kernels not available here: " + status.detail());
        try (Arena arena = Arena.ofShared(); NativeSamplingKernels sampler = new NativeSamplingKernels(1)) {
            SamplingRow greedy = new SamplingRow(SamplingSettings.greedy(), Penalties.NONE, 0);
            assertThatThrownBy(() -> sampler.sample(segment(arena, new float[][]{{Float.NaN, 1}}), 2, List.of(greedy)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no token can be sampled");
            SamplingRow badId = new SamplingRow(SamplingSettings.greedy(),
                    new Penalties(1, 0.5f, 0, new int[0], new int[]{-1}, new int[]{1}), 0.5);
            assertThatThrownBy(() -> sampler.sample(segment(arena, new float[][]{{1, 2}}), 2, List.of(badId)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("penalty token id -1");
            // The C side's own checks, past Java's: penalty ranges beyond the id array, ids outside the vocabulary.
            MemorySegment x = segment(arena, new float[][]{{1, 2}});
            float[] floats = {1, 1, 0, 1, 0.5f, 0};
            int[] ints = {0, 0, 0};
            assertThat(NativeBridge.sample(x.address(), 8, 1, 2, floats, ints, new double[]{0.5}, new int[]{0, 0, 5},
                    new int[]{1}, new int[]{1}, new int[1], new float[1], new int[0], new float[0], 0, 0, 1))
                    .isEqualTo(-12);
            assertThat(NativeBridge.sample(x.address(), 8, 1, 2, floats, ints, new double[]{0.5}, new int[]{0, 0, 1},
                    new int[]{2}, new int[]{1}, new int[1], new float[1], new int[0], new float[0], 0, 0, 1))
                    .isEqualTo(-10);
            assertThat(NativeBridge.sample(x.address(), 4, 1, 2, floats, ints, new double[]{0.5}, new int[]{0, 0, 0},
                    new int[0], new int[0], new int[1], new float[1], new int[0], new float[0], 0, 0, 1))
                    .isEqualTo(-6);
        }
    }

    @Test
    void heapLogitsAreSampledTooAndPenalizedInPlace() {
        NativeLibrary.Status status = NativeLibrary.load();
        assumeTrue(status.loaded(), "native kernels not available here: " + status.detail());
        float[] heap = {1, 3, 2};
        SamplingRow row = new SamplingRow(SamplingSettings.greedy(),
                new Penalties(2, 0, 0, new int[]{1}, new int[0], new int[0]), 0);
        try (NativeSamplingKernels sampler = new NativeSamplingKernels(1)) {
            assertThat(sampler.sample(MemorySegment.ofArray(heap), 3, List.of(row))[0].tokenId()).isEqualTo(2);
        }
        assertThat(heap).containsExactly(1, 1.5f, 2);
    }
}
