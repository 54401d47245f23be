package dev.infer.kernels;

import dev.infer.kernels.AttentionCases.Case;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Property tests: the C kernels against the scalar reference, and their input checks (Java's and C's own). */
class NativeAttentionKernelsTest {
    private static NativeAttentionKernels kernels;

    @BeforeAll
    static void load() {
        NativeLibrary.Status status = NativeLibrary.load();
        assumeTrue(status.loaded(), "native kernels not available here: " + status.detail());
        kernels = new NativeAttentionKernels(2);
    }

    @AfterAll
    static void close() {
        if (kernels != null) {
            kernels.close();
        }
    }

    @ParameterizedTest(name = "heads {0}/{1} (GQA {0}/{1}), headDim {2}, block {3}")
    @CsvSource({"8,8,64,16", "8,4,64,16", "14,2,64,16", "7,1,128,16", "16,2,128,8", "8,1,64,16", "14,2,128,32",
            "8,1,80,32", "4,4,3,1", "6,3,17,5"})
    void matchesReferenceOnRandomRaggedSteps(int heads, int kvHeads, int headDim, int blockSize) {
        Random rnd = new Random(heads * 131L + kvHeads * 17L + headDim * 3L + blockSize);
        AttentionShape shape = new AttentionShape(heads, kvHeads, headDim, blockSize);
        try (Arena arena = Arena.ofShared()) {
            for (int trial = 0; trial < 6; trial++) {
                Case c = AttentionCases.randomStep(arena, rnd, shape, 5, 6);
                AttentionCases.assertMatchesReference(kernels, c, 1f / (float) Math.sqrt(headDim), 1e-5f);
            }
        }
    }

    @ParameterizedTest(name = "GQA ratio {0}, headDim {1}")
    @CsvSource({"1,64", "2,64", "7,64", "8,64", "1,128", "2,128", "7,128", "8,128"})
    void edgeCasesContextOneManyBlocksAndPartialLastBlock(int ratio, int headDim) {
        Random rnd = new Random(ratio * 1000L + headDim);
        AttentionShape shape = new AttentionShape(2 * ratio, 2, headDim, 16);
        try (Arena arena = Arena.ofShared()) {
            // Context 1; 40 blocks exactly full; a last block holding a single token; a whole causal prefill;
            // a prefill chunk that continues a cached prefix and ends mid-block.
            Case c = AttentionCases.randomCase(arena, rnd, shape, 128, new int[]{1, 1, 1, 33, 20},
                    new int[]{1, 640, 17, 33, 151});
            AttentionCases.assertMatchesReference(kernels, c, 1f / (float) Math.sqrt(headDim), 1e-5f);
        }
    }

    @Test
    void largeScoresStayFinite() {
        AttentionShape shape = new AttentionShape(2, 1, 64, 16);
        try (Arena arena = Arena.ofShared()) {
            Case c = AttentionCases.randomCase(arena, new Random(3), shape, 8, new int[]{40}, new int[]{40});
            // Scores in the hundreds: fp32 rounding of the dot product is amplified 30x, hence the looser bound.
            AttentionCases.assertMatchesReference(kernels, c, 30f, 1e-4f);
        }
    }

    @Test
    void writeKvAndCopyBlocksMatchTheJavaCopies() {
        AttentionShape shape = new AttentionShape(4, 2, 8, 4);
        Random rnd = new Random(11);
        try (Arena arena = Arena.ofShared()) {
            KvLayer mine = new KvLayer(arena.allocate(6 * shape.blockFloats() * 4), arena.allocate(6 * shape.blockFloats() * 4),
                    6, shape);
            KvLayer theirs = new KvLayer(arena.allocate(6 * shape.blockFloats() * 4),
                    arena.allocate(6 * shape.blockFloats() * 4), 6, shape);
            MemorySegment k = AttentionCases.randomSegment(arena, rnd, 5L * shape.kvRowFloats());
            MemorySegment v = AttentionCases.randomSegment(arena, rnd, 5L * shape.kvRowFloats());
            int[] slots = {23, -1, 0, 9, 10};
            kernels.writeKv(mine, k, v, slots);
            KvLayout.writeRows(theirs, k, v, slots);
            kernels.copyBlocks(mine, new int[]{5, 2, 0}, new int[]{1, 3, 0});
            KvLayout.copyBlocks(theirs, new int[]{5, 2, 0}, new int[]{1, 3, 0});
            assertThat(mine.keys().mismatch(theirs.keys())).isEqualTo(-1);
            assertThat(mine.values().mismatch(theirs.values())).isEqualTo(-1);
            assertThat(mine.keys().getAtIndex(ValueLayout.JAVA_FLOAT, 23L * shape.kvRowFloats()))
                    .isEqualTo(k.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        }
    }

    @Test
    void badIndicesAreExceptionsNotCrashes() {
        AttentionCases.assertRejectsBadIndices(kernels);
        try (Arena arena = Arena.ofShared()) {
            Case c = AttentionCases.randomCase(arena, new Random(2), new AttentionShape(4, 2, 8, 4), 4, new int[]{2},
                    new int[]{5});
            MemorySegment heap = MemorySegment.ofArray(new float[(int) (c.queries().byteSize() / 4)]);
            assertThatThrownBy(() -> kernels.pagedAttention(c.layer(), c.batch(), heap,
                    arena.allocate(c.queries().byteSize()), 1f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("off-heap");
        }
    }

    /** The C side's own checks, reached by calling the bridge directly with what Java would have rejected. */
    @Test
    void nativeChecksRejectWhatJavaWouldHaveRejected() {
        AttentionShape shape = new AttentionShape(4, 2, 8, 4);
        try (Arena arena = Arena.ofShared()) {
            Case c = AttentionCases.randomCase(arena, new Random(4), shape, 4, new int[]{2}, new int[]{5});
            long keys = c.layer().keys().address();
            long values = c.layer().values().address();
            int[] cache = {4, 4, 4, 2, 8};
            long q = c.queries().address();
            long qBytes = c.queries().byteSize();
            MemorySegment out = arena.allocate(qBytes);
            int[] qs = {0, 2};
            int[] ctx = {5};
            int[] starts = {0, 2};
            assertThat(NativeBridge.pagedAttention(keys, values, cache, q, qBytes, out.address(), qBytes, 1f, qs, ctx,
                    starts, new int[]{0, 1}, 0, 2)).isZero();
            assertThat(NativeBridge.pagedAttention(keys, values, cache, q, qBytes, out.address(), qBytes, 1f, qs, ctx,
                    starts, new int[]{0, 4}, 0, 2)).isEqualTo(-5);
            assertThat(NativeBridge.pagedAttention(keys, values, cache, q, qBytes, out.address(), qBytes, 1f, qs,
                    new int[]{9}, starts, new int[]{0, 1}, 0, 2)).isEqualTo(-4);
            assertThat(NativeBridge.pagedAttention(keys, values, cache, q, qBytes, out.address(), qBytes, 1f, qs,
                    new int[]{1}, starts, new int[]{0, 1}, 0, 2)).isEqualTo(-3);
            assertThat(NativeBridge.pagedAttention(keys, values, cache, q, qBytes - 4, out.address(), qBytes, 1f, qs,
                    ctx, starts, new int[]{0, 1}, 0, 2)).isEqualTo(-6);
            assertThat(NativeBridge.pagedAttention(keys, values, cache, q, qBytes, out.address(), qBytes, 1f, qs, ctx,
                    starts, new int[]{0, 1}, 0, 3)).isEqualTo(-8);
            assertThat(NativeBridge.pagedAttention(keys, values, cache, q, qBytes, out.address(), qBytes, 1f,
                    new int[]{0}, ctx, starts, new int[]{0, 1}, 0, 2)).isEqualTo(-2);
            assertThat(NativeBridge.pagedAttention(keys, values, new int[]{4, 4, 3, 2, 8}, q, qBytes, out.address(),
                    qBytes, 1f, qs, ctx, starts, new int[]{0, 1}, 0, 2)).isEqualTo(-1);
            assertThat(NativeBridge.writeKv(keys, values, cache, q, q, 64, new int[]{16})).isEqualTo(-7);
            assertThat(NativeBridge.writeKv(keys, values, cache, q, q, 63, new int[]{1})).isEqualTo(-6);
            assertThat(NativeBridge.copyBlocks(keys, values, cache, new int[]{4}, new int[]{0})).isEqualTo(-5);
            assertThat(NativeBridge.copyBlocks(keys, values, cache, new int[]{1, 2}, new int[]{0})).isEqualTo(-5);
        }
    }

    @Test
    void closingStopsTheWorkerThreads() throws Exception {
        NativeAttentionKernels own = new NativeAttentionKernels(2);
        AttentionCases.assertClosingStopsThreads(own, own.threadPrefix());
    }
}
