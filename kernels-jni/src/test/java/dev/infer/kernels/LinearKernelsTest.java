package dev.infer.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The C linear kernels against {@link JavaLinearKernels} on random shapes of every format, their size checks
 * (Java's and C's own), and {@link PackedMatrix}'s packing.
 */
class LinearKernelsTest {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final int[] MS = {0, 1, 2, 3, 4, 5, 7, 8, 17, 33, 64};
    private static final int[] KS_ANY = {1, 3, 17, 32, 64, 96, 100, 896, 4864};
    private static final int[] KS_Q8 = {32, 64, 96, 896, 4864};
    private static final int[] NS = {1, 3, 16, 17, 100, 1000};
    /** Up to this many input rows, Q8 multiplies int8 codes of the inputs (linear.c's Q8_INT_MAX_M). */
    private static final int Q8_INT_MAX_M = 1;
    /** Floats of guard on each side of y: the kernel must leave them alone. */
    private static final int GUARD = 64;

    private static NativeLinearKernels one;
    private static NativeLinearKernels two;
    private static JavaLinearKernels reference;

    @BeforeAll
    static void load() {
        NativeLibrary.Status status = NativeLibrary.load();
        assumeTrue(status.loaded(), "native kernels not available here: " + status.detail());
        one = new NativeLinearKernels(1);
        two = new NativeLinearKernels(2);
        reference = new JavaLinearKernels(2);
    }

    @AfterAll
    static void close() {
        for (AutoCloseable c : new AutoCloseable[]{one, two, reference}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * Every m against every k, n cycling through its list, bias on every other case, both thread counts. The
     * native kernels sum in another order (8 lanes, then a tree) than the reference (one running sum), so the
     * results differ by rounding: each sum's error is at most about k·2⁻²⁴·Σ|x·w| in the worst case and grows like
     * √k for random signs, well inside 1e-5·(1 + Σ|x·w|) at k ≤ 4864, while any indexing mistake (a wrong weight,
     * a missed column) moves a result by a whole product, far more.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(LinearFormat.class)
    void matchesTheJavaReferenceOnRandomShapes(LinearFormat format) {
        Random rnd = new Random(format.ordinal() * 7919L + 1);
        int[] ks = format == LinearFormat.Q8 ? KS_Q8 : KS_ANY;
        int cases = 0;
        for (int mi = 0; mi < MS.length; mi++) {
            for (int ki = 0; ki < ks.length; ki++) {
                int m = MS[mi];
                int k = ks[ki];
                int n = NS[(mi + ki) % NS.length];
                if ((long) m * n * k > 20_000_000) {
                    n = 100; // keeps the Java reference quick; 1000 outputs are covered at smaller m and k
                }
                boolean bias = (mi + ki) % 2 == 0;
                NativeLinearKernels kernels = (mi + ki) % 3 == 0 ? one : two;
                checkCase(format, m, k, n, bias, kernels, rnd);
                cases++;
            }
        }
        assertThat(cases).isEqualTo(MS.length * ks.length);
    }

    /** The LM head shape at m = 1 (8 ranges over 2 threads), and a large m that takes the panel path. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(LinearFormat.class)
    void decodeAndPanelPathsAtModelShapes(LinearFormat format) {
        Random rnd = new Random(99 + format.ordinal());
        checkCase(format, 1, 896, 12_000, true, two, rnd);
        checkCase(format, 40, 4864, 61, false, two, rnd);
        checkCase(format, 130, 896, 290, true, one, rnd);
    }

    private static void checkCase(LinearFormat format, int m, int k, int n, boolean withBias,
                                  NativeLinearKernels kernels, Random rnd) {
        String what = format + " m=" + m + " k=" + k + " n=" + n + " bias=" + withBias + " " + kernels.name();
        try (Arena arena = Arena.ofShared();
             PackedMatrix w = PackedMatrix.pack(randomFloats(rnd, n * k), n, k, format)) {
            MemorySegment x = segment(arena, randomFloats(rnd, m * k));
            MemorySegment bias = withBias ? segment(arena, randomFloats(rnd, n)) : null;
            MemorySegment guarded = arena.allocate((long) (m * n + 2 * GUARD) * Float.BYTES, 64);
            for (long i = 0; i < guarded.byteSize() / Float.BYTES; i++) {
                guarded.setAtIndex(FLOAT, i, Float.NaN);
            }
            MemorySegment y = guarded.asSlice((long) GUARD * Float.BYTES, (long) m * n * Float.BYTES);
            MemorySegment expected = arena.allocate(Math.max(1, (long) m * n * Float.BYTES));
            kernels.linear(x, m, w, bias, y);
            reference.linear(x, m, w, bias, expected);
            float[] row = new float[k];
            boolean quantizedInputs = format == LinearFormat.Q8 && m <= Q8_INT_MAX_M;
            for (int j = 0; j < n; j++) {
                w.unpackRow(j, row, 0);
                for (int i = 0; i < m; i++) {
                    double magnitude = 0;
                    for (int c = 0; c < k; c++) {
                        magnitude += Math.abs(x.getAtIndex(FLOAT, (long) i * k + c) * row[c]);
                    }
                    double bound = 1e-5 * (1 + magnitude)
                            + (quantizedInputs ? inputQuantizationBound(x, i, k, row) : 0);
                    float got = y.getAtIndex(FLOAT, (long) i * n + j);
                    float want = expected.getAtIndex(FLOAT, (long) i * n + j);
                    assertThat((double) Math.abs(got - want)).as("%s y[%d][%d] = %s, want %s", what, i, j, got, want)
                            .isLessThanOrEqualTo(bound);
                }
            }
            for (int g = 0; g < GUARD; g++) {
                assertThat(guarded.getAtIndex(FLOAT, g)).as("%s guard before y", what).isNaN();
                assertThat(guarded.getAtIndex(FLOAT, GUARD + (long) m * n + g)).as("%s guard after y", what).isNaN();
            }
        }
    }

    /**
     * How far Q8 at m ≤ {@value #Q8_INT_MAX_M} may move from the reference by quantizing its
     * inputs: the kernel rounds each input block to int8 codes, x ≈ xs·xq with xs = max|x_block| / 127 and
     * |x − xs·xq| ≤ xs/2 (rint to nearest; the float division's rounding adds at most 127·2⁻²⁴ of a step, the 1e-4
     * below), so each block adds at most (xs/2)·Σ|w| over its 32 weights to the reference's error. On random
     * signs the real error is about √32 times smaller per block, so this bound is loose, yet still far below a
     * whole product: an indexing mistake (a wrong weight or input) stays detectable.
     */
    private static double inputQuantizationBound(MemorySegment x, int i, int k, float[] row) {
        double bound = 0;
        for (int from = 0; from < k; from += LinearFormat.Q8_BLOCK) {
            float max = 0;
            double weights = 0;
            for (int c = from; c < from + LinearFormat.Q8_BLOCK; c++) {
                max = Math.max(max, Math.abs(x.getAtIndex(FLOAT, (long) i * k + c)));
                weights += Math.abs(row[c]);
            }
            bound += max / 127.0 / 2 * weights;
        }
        return bound * (1 + 1e-4);
    }

    /**
     * Q8 at small m against a Java model of the kernel's own arithmetic: inputs quantized per block as the kernel
     * does (xs = max|x| / 127f, xq = rint(x / xs)), each block's dot product of codes summed exactly in integers,
     * then scaled by ws·xs. The kernel adds the scaled block sums in fp32 (8 lanes, then a tree), the model in
     * double, so they agree to a few fp32 roundings of Σ|block terms| (2⁻²⁰ of it here, k/256 + 4 roundings at
     * most), while one wrong code anywhere moves a result by a whole ws·xs·|wq·xq| product.
     */
    @Test
    void q8AtSmallMMatchesAModelOfItsIntegerArithmetic() {
        Random rnd = new Random(31);
        int k = 96;
        int n = 7;
        int blocks = k / LinearFormat.Q8_BLOCK;
        for (int m = 1; m <= Q8_INT_MAX_M; m++) {
            float[] xs = randomFloats(rnd, m * k);
            xs[0] = 3f; // an outlier: its block's other inputs get coarse codes
            for (int c = LinearFormat.Q8_BLOCK; c < 2 * LinearFormat.Q8_BLOCK; c++) {
                xs[c] = 0; // an all-zero input block
            }
            try (Arena arena = Arena.ofShared();
                 PackedMatrix w = PackedMatrix.pack(randomFloats(rnd, n * k), n, k, LinearFormat.Q8)) {
                MemorySegment x = segment(arena, xs);
                MemorySegment y = arena.allocate((long) m * n * Float.BYTES, 64);
                two.linear(x, m, w, null, y);
                MemorySegment data = w.data();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double want = 0;
                        double size = 0;
                        for (int b = 0; b < blocks; b++) {
                            float max = 0;
                            for (int t = 0; t < LinearFormat.Q8_BLOCK; t++) {
                                max = Math.max(max, Math.abs(xs[i * k + b * LinearFormat.Q8_BLOCK + t]));
                            }
                            float xScale = max / 127f;
                            long sum = 0;
                            for (int t = 0; t < LinearFormat.Q8_BLOCK; t++) {
                                int c = b * LinearFormat.Q8_BLOCK + t;
                                int xq = xScale == 0 ? 0 : (int) Math.max(-127, Math.min(127,
                                        Math.rint(xs[i * k + c] / xScale)));
                                sum += (long) data.get(ValueLayout.JAVA_BYTE, (long) j * k + c) * xq;
                            }
                            float wScale = data.get(ValueLayout.JAVA_FLOAT_UNALIGNED,
                                    (long) n * k + ((long) j * blocks + b) * Float.BYTES);
                            double term = sum * (double) (xScale * wScale);
                            want += term;
                            size += Math.abs(term);
                        }
                        float got = y.getAtIndex(FLOAT, (long) i * n + j);
                        assertThat(Math.abs(got - want)).as("m=%d y[%d][%d] = %s, model %s", m, i, j, got, want)
                                .isLessThanOrEqualTo(size * 0x1p-20);
                    }
                }
            }
        }
    }

    @Test
    void badSizesAreRejectedNamingTheSize() {
        try (Arena arena = Arena.ofShared();
             PackedMatrix w = PackedMatrix.pack(new float[6 * 32], 6, 32, LinearFormat.Q8)) {
            MemorySegment x = arena.allocate(2 * 32 * Float.BYTES);
            MemorySegment y = arena.allocate(2 * 6 * Float.BYTES);
            assertThatThrownBy(() -> two.linear(x, 3, w, null, y)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("x holds 256 bytes").hasMessageContaining("3 x 32");
            assertThatThrownBy(() -> two.linear(x, 2, w, null, arena.allocate(47)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y holds 47 bytes");
            assertThatThrownBy(() -> two.linear(x, 2, w, arena.allocate(20), y))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias holds 20 bytes");
            assertThatThrownBy(() -> two.linear(x, -1, w, null, y)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("m must be >= 0, got -1");
            assertThatThrownBy(() -> two.linear(MemorySegment.ofArray(new float[64]), 2, w, null, y))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("off-heap");
        }
        assertThatThrownBy(() -> PackedMatrix.pack(new float[40], 1, 40, LinearFormat.Q8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 40");
        assertThatThrownBy(() -> PackedMatrix.pack(new float[10], 0, 10, LinearFormat.F32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 x 10");
        assertThatThrownBy(() -> PackedMatrix.pack(new float[10], 2, 10, LinearFormat.BF16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 x 10");
    }

    /** The C side's own checks, for a caller that skipped Java's: error codes, never a stray access. */
    @Test
    void theNativeSideChecksAgain() {
        try (Arena arena = Arena.ofShared();
             PackedMatrix w = PackedMatrix.pack(new float[6 * 32], 6, 32, LinearFormat.Q8)) {
            long x = arena.allocate(2 * 32 * Float.BYTES).address();
            long y = arena.allocate(2 * 6 * Float.BYTES).address();
            long d = w.data().address();
            long bytes = w.byteSize();
            int q8 = LinearFormat.Q8.ordinal();
            assertThat(NativeBridge.linear(x, 256, 2, d, bytes, q8, 6, 32, 0, 0, y, 48, 0, 6)).isZero();
            assertThat(NativeBridge.linear(x, 255, 2, d, bytes, q8, 6, 32, 0, 0, y, 48, 0, 6)).isEqualTo(-6);
            assertThat(NativeBridge.linear(x, 256, 2, d, bytes, q8, 6, 32, 0, 0, y, 47, 0, 6)).isEqualTo(-6);
            assertThat(NativeBridge.linear(x, 256, 2, d, bytes, q8, 6, 32, x, 23, y, 48, 0, 6)).isEqualTo(-6);
            assertThat(NativeBridge.linear(x, 256, 2, d, bytes, q8, 6, 32, 0, 0, y, 48, 0, 7)).isEqualTo(-8);
            assertThat(NativeBridge.linear(x, 256, 2, d, bytes, q8, 6, 32, 0, 0, y, 48, 4, 3)).isEqualTo(-8);
            assertThat(NativeBridge.linear(x, 256, 2, d, bytes - 1, q8, 6, 32, 0, 0, y, 48, 0, 6)).isEqualTo(-13);
            assertThat(NativeBridge.linear(x, 256, 2, d, bytes, 3, 6, 32, 0, 0, y, 48, 0, 6)).isEqualTo(-13);
            assertThat(NativeBridge.linear(x, 256, 1, d, bytes, q8, 6, 31, 0, 0, y, 48, 0, 6)).isEqualTo(-13);
            assertThat(NativeBridge.linear(x, 256, -1, d, bytes, q8, 6, 32, 0, 0, y, 48, 0, 6)).isEqualTo(-6);
            assertThat(NativeBridge.linear(x, 256, Integer.MAX_VALUE, d, bytes, q8, 6, 32, 0, 0, y, 48, 0, 6))
                    .isEqualTo(-6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(LinearFormat.class)
    void mZeroWritesNothing(LinearFormat format) {
        try (Arena arena = Arena.ofShared();
             PackedMatrix w = PackedMatrix.pack(new float[4 * 64], 4, 64, format)) {
            MemorySegment y = arena.allocate(16);
            y.setAtIndex(FLOAT, 0, 7f);
            two.linear(arena.allocate(0), 0, w, null, y);
            assertThat(y.getAtIndex(FLOAT, 0)).isEqualTo(7f);
        }
    }

    @Test
    void f32PacksExactly() {
        float[] values = randomFloats(new Random(5), 3 * 7);
        try (PackedMatrix w = PackedMatrix.pack(values, 3, 7, LinearFormat.F32)) {
            float[] out = new float[21];
            for (int r = 0; r < 3; r++) {
                w.unpackRow(r, out, r * 7);
            }
            assertThat(out).containsExactly(values);
            assertThat(w.byteSize()).isEqualTo(3 * 7 * 4);
        }
    }

    /** bf16 keeps the top 16 bits, rounded to nearest with ties to even (as PyTorch converts). */
    @Test
    void bf16RoundsToNearestEven() {
        float[] values = {
                Float.intBitsToFloat(0x3F808000), // halfway, 0x3F80 is even: down
                Float.intBitsToFloat(0x3F818000), // halfway, 0x3F81 is odd: up to 0x3F82
                Float.intBitsToFloat(0x3F808001), // just above halfway: up
                Float.intBitsToFloat(0x3F807FFF), // just below halfway: down
                -1.5f, 0f, Float.NEGATIVE_INFINITY, Float.NaN};
        int[] expected = {0x3F800000, 0x3F820000, 0x3F810000, 0x3F800000, 0xBFC00000, 0, 0xFF800000};
        try (PackedMatrix w = PackedMatrix.pack(values, 1, values.length, LinearFormat.BF16)) {
            float[] out = new float[values.length];
            w.unpackRow(0, out, 0);
            for (int i = 0; i < expected.length; i++) {
                assertThat(Float.floatToRawIntBits(out[i])).as("value %d", i).isEqualTo(expected[i]);
            }
            assertThat(out[values.length - 1]).isNaN();
            assertThat(w.byteSize()).isEqualTo(2L * values.length);
        }
    }

    /** Each Q8 weight is within half a step (scale / 2) of the original; an all-zero block stays exactly zero. */
    @Test
    void q8ErrorIsAtMostHalfAScaleAndZeroBlocksStayZero() {
        Random rnd = new Random(8);
        int rows = 5;
        int cols = 96;
        float[] values = randomFloats(rnd, rows * cols);
        for (int c = 32; c < 64; c++) {
            values[2 * cols + c] = 0; // row 2, block 1: all zero
        }
        values[3 * cols] = 40f; // an outlier: its block gets a large scale
        try (PackedMatrix w = PackedMatrix.pack(values, rows, cols, LinearFormat.Q8)) {
            assertThat(w.byteSize()).isEqualTo((long) rows * cols + rows * 3 * 4);
            float[] out = new float[cols];
            for (int r = 0; r < rows; r++) {
                w.unpackRow(r, out, 0);
                for (int b = 0; b < cols / 32; b++) {
                    float max = 0;
                    for (int c = b * 32; c < b * 32 + 32; c++) {
                        max = Math.max(max, Math.abs(values[r * cols + c]));
                    }
                    float scale = max / 127f;
                    for (int c = b * 32; c < b * 32 + 32; c++) {
                        assertThat((double) Math.abs(out[c] - values[r * cols + c])).as("row %d col %d", r, c)
                                .isLessThanOrEqualTo(scale / 2 * (1 + 1e-6));
                    }
                }
            }
            w.unpackRow(2, out, 0);
            for (int c = 32; c < 64; c++) {
                assertThat(Float.floatToRawIntBits(out[c])).isZero();
            }
        }
    }

    private static float[] randomFloats(Random rnd, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static MemorySegment segment(Arena arena, float[] values) {
        MemorySegment s = arena.allocate(Math.max(1, (long) values.length * Float.BYTES), 64);
        MemorySegment.copy(values, 0, s, FLOAT, 0, values.length);
        return s;
    }
}
