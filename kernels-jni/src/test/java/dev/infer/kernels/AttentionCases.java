package dev.infer.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Random caches and ragged steps, and the differential check of any kernels against the scalar reference. */
final class AttentionCases {
    private static final ReferenceAttentionKernels REFERENCE = new ReferenceAttentionKernels();

    private AttentionCases() {
    }

    /** A random cache plus a random ragged step over it. */
    record Case(KvLayer layer, AttentionBatch batch, MemorySegment queries) {
    }

    /** Sequence s gets {@code queryLens[s]} query rows over a context of {@code contextLens[s]}, in shuffled blocks. */
    static Case randomCase(Arena arena, Random rnd, AttentionShape shape, int numBlocks, int[] queryLens,
                           int[] contextLens) {
        KvLayer layer = new KvLayer(randomSegment(arena, rnd, numBlocks * shape.blockFloats()),
                randomSegment(arena, rnd, numBlocks * shape.blockFloats()), numBlocks, shape);
        List<Integer> free = new ArrayList<>();
        for (int b = 0; b < numBlocks; b++) {
            free.add(b);
        }
        Collections.shuffle(free, rnd);
        int[] queryStart = new int[queryLens.length + 1];
        int[][] tables = new int[queryLens.length][];
        for (int s = 0; s < queryLens.length; s++) {
            queryStart[s + 1] = queryStart[s] + queryLens[s];
            int blocks = (contextLens[s] + shape.blockSize() - 1) / shape.blockSize();
            tables[s] = new int[blocks];
            for (int b = 0; b < blocks; b++) {
                tables[s][b] = free.removeFirst();
            }
        }
        MemorySegment queries = randomSegment(arena, rnd, (long) queryStart[queryLens.length] * shape.qRowFloats());
        return new Case(layer, new AttentionBatch(queryStart, contextLens, tables), queries);
    }

    /** Random sequences: a decode row or a causal chunk each, contexts up to about {@code maxBlocks} blocks. */
    static Case randomStep(Arena arena, Random rnd, AttentionShape shape, int maxSeqs, int maxBlocks) {
        int seqs = 1 + rnd.nextInt(maxSeqs);
        int[] qLens = new int[seqs];
        int[] ctx = new int[seqs];
        int blocks = 0;
        for (int s = 0; s < seqs; s++) {
            ctx[s] = 1 + rnd.nextInt(maxBlocks * shape.blockSize());
            qLens[s] = rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(ctx[s]);
            blocks += (ctx[s] + shape.blockSize() - 1) / shape.blockSize();
        }
        return randomCase(arena, rnd, shape, blocks + rnd.nextInt(4), qLens, ctx);
    }

    static MemorySegment randomSegment(Arena arena, Random rnd, long floats) {
        MemorySegment seg = arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }
        return seg;
    }

    /** Runs {@code kernels} and the reference on the same step and compares every output element. */
    static void assertMatchesReference(AttentionKernels kernels, Case c, float scale, float tolerance) {
        try (Arena arena = Arena.ofShared()) {
            long bytes = c.queries().byteSize();
            MemorySegment expected = arena.allocate(bytes, 64);
            MemorySegment actual = arena.allocate(bytes, 64);
            REFERENCE.pagedAttention(c.layer(), c.batch(), c.queries(), expected, scale);
            kernels.pagedAttention(c.layer(), c.batch(), c.queries(), actual, scale);
            for (long i = 0; i < bytes / Float.BYTES; i++) {
                assertThat(actual.getAtIndex(ValueLayout.JAVA_FLOAT, i))
                        .as("%s, element %d", kernels.name(), i)
                        .isCloseTo(expected.getAtIndex(ValueLayout.JAVA_FLOAT, i), within(tolerance));
            }
        }
    }

    /** Runs one step on {@code kernels}' threads, closes them, and checks every thread named {@code prefix} ends. */
    static void assertClosingStopsThreads(AttentionKernels kernels, String prefix) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            Case c = randomCase(arena, new Random(5), new AttentionShape(4, 2, 8, 4), 8, new int[]{3, 2},
                    new int[]{9, 6});
            kernels.pagedAttention(c.layer(), c.batch(), c.queries(), arena.allocate(c.queries().byteSize()), 1f);
        }
        assertThat(liveThreads(prefix)).isPositive();
        ((AutoCloseable) kernels).close();
        for (int i = 0; i < 100 && liveThreads(prefix) > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(liveThreads(prefix)).isZero();
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    /** Bad block ids, too-short block tables, bad slots, too-small tensors and bad copies are exceptions. */
    static void assertRejectsBadIndices(AttentionKernels kernels) {
        AttentionShape shape = new AttentionShape(4, 2, 8, 4);
        try (Arena arena = Arena.ofShared()) {
            Case c = randomCase(arena, new Random(2), shape, 4, new int[]{2}, new int[]{5});
            MemorySegment out = arena.allocate(c.queries().byteSize());
            c.batch().blockTables()[0][1] = 4;
            assertThatThrownBy(() -> kernels.pagedAttention(c.layer(), c.batch(), c.queries(), out, 1f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block id 4");
            AttentionBatch tooLong = new AttentionBatch(new int[]{0, 2}, new int[]{9}, new int[][]{{0, 1}});
            assertThatThrownBy(() -> kernels.pagedAttention(c.layer(), tooLong, c.queries(), out, 1f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 3 blocks");
            MemorySegment k = arena.allocate(shape.kvRowFloats() * 4L);
            assertThatThrownBy(() -> kernels.writeKv(c.layer(), k, k, new int[]{16}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotMapping[0] = 16");
            assertThatThrownBy(() -> kernels.writeKv(c.layer(), k, k, new int[]{0, 1}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 tokens need");
            assertThatThrownBy(() -> kernels.copyBlocks(c.layer(), new int[]{0}, new int[]{-1}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the cache");
        }
    }
}
