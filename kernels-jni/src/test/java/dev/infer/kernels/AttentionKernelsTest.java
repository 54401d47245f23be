package dev.infer.kernels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import dev.infer.kernels.AttentionCases.Case;

import static org.assertj.core.api.Assertions.assertThat;

/** Differential tests: the Vector API kernels against the scalar reference on random ragged steps. */
class AttentionKernelsTest {
    private static final VectorAttentionKernels VECTOR = new VectorAttentionKernels(2);

    @AfterAll
    static void close() {
        VECTOR.close();
    }

    private static Case randomCase(Arena arena, Random rnd, AttentionShape shape, int numBlocks, int[] queryLens,
                                   int[] contextLens) {
        return AttentionCases.randomCase(arena, rnd, shape, numBlocks, queryLens, contextLens);
    }

    private static MemorySegment randomSegment(Arena arena, Random rnd, long floats) {
        return AttentionCases.randomSegment(arena, rnd, floats);
    }

    private static void assertSameAttention(Case c, float scale) {
        AttentionCases.assertMatchesReference(VECTOR, c, scale, 1e-5f);
    }

    private static void assertSameAttention(Case c, float scale, float tolerance) {
        AttentionCases.assertMatchesReference(VECTOR, c, scale, tolerance);
    }

    @ParameterizedTest(name = "heads {0}/{1}, headDim {2}, block {3}")
    @CsvSource({"8,8,64,16", "8,4,64,16", "14,2,64,16", "7,1,128,16", "16,2,128,8", "8,1,80,32", "4,4,3,1"})
    void vectorMatchesReferenceOnRandomRaggedSteps(int heads, int kvHeads, int headDim, int blockSize) {
        Random rnd = new Random(heads * 31L + kvHeads * 7L + headDim + blockSize);
        AttentionShape shape = new AttentionShape(heads, kvHeads, headDim, blockSize);
        try (Arena arena = Arena.ofShared()) {
            for (int trial = 0; trial < 5; trial++) {
                int seqs = 1 + rnd.nextInt(4);
                int[] qLens = new int[seqs];
                int[] ctx = new int[seqs];
                for (int s = 0; s < seqs; s++) {
                    ctx[s] = 1 + rnd.nextInt(5 * blockSize + 3);
                    qLens[s] = rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(ctx[s]);
                }
                assertSameAttention(randomCase(arena, rnd, shape, 64, qLens, ctx), 1f / (float) Math.sqrt(headDim));
            }
        }
    }

    @Test
    void edgeCasesContextOneManyBlocksAndPartialLastBlock() {
        Random rnd = new Random(7);
        AttentionShape shape = new AttentionShape(8, 4, 64, 16);
        try (Arena arena = Arena.ofShared()) {
            // context 1 (first token), 20 blocks exactly full, last block holding a single token, a full prefill.
            assertSameAttention(randomCase(arena, rnd, shape, 64, new int[]{1, 1, 1, 33},
                    new int[]{1, 320, 17, 33}), 0.125f);
        }
    }

    @Test
    void largeScoresStayFinite() {
        Random rnd = new Random(3);
        AttentionShape shape = new AttentionShape(2, 1, 64, 16);
        try (Arena arena = Arena.ofShared()) {
            Case c = randomCase(arena, rnd, shape, 8, new int[]{40}, new int[]{40});
            // Scores in the hundreds: fp32 rounding of the dot product is amplified 30x, hence the looser bound.
            assertSameAttention(c, 30f, 1e-4f);
        }
    }

    @Test
    void writeKvPutsRowsInTheirSlotsAndSkipsNegativeSlots() {
        AttentionShape shape = new AttentionShape(4, 2, 4, 4);
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(1);
            KvLayer layer = new KvLayer(arena.allocate(4 * shape.blockFloats() * 4), arena.allocate(4 * shape.blockFloats() * 4),
                    4, shape);
            MemorySegment k = randomSegment(arena, rnd, 3L * shape.kvRowFloats());
            MemorySegment v = randomSegment(arena, rnd, 3L * shape.kvRowFloats());
            VECTOR.writeKv(layer, k, v, new int[]{13, -1, 2});
            int row = shape.kvRowFloats();
            for (int i = 0; i < row; i++) {
                assertThat(layer.keys().getAtIndex(ValueLayout.JAVA_FLOAT, 13L * row + i))
                        .isEqualTo(k.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                assertThat(layer.values().getAtIndex(ValueLayout.JAVA_FLOAT, 2L * row + i))
                        .isEqualTo(v.getAtIndex(ValueLayout.JAVA_FLOAT, 2L * row + i));
            }
            VECTOR.copyBlocks(layer, new int[]{3}, new int[]{0});
            assertThat(layer.keys().asSlice(0, shape.blockFloats() * 4).mismatch(
                    layer.keys().asSlice(3 * shape.blockFloats() * 4, shape.blockFloats() * 4))).isEqualTo(-1);
        }
    }

    @Test
    void closingStopsTheWorkerThreads() throws Exception {
        VectorAttentionKernels kernels = new VectorAttentionKernels(2);
        AttentionCases.assertClosingStopsThreads(kernels, kernels.threadPrefix());
    }

    @Test
    void badIndicesAreExceptionsNotCrashes() {
        AttentionCases.assertRejectsBadIndices(VECTOR);
    }
}
