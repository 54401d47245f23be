package dev.infer.batching.kv;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvCacheManagerTest {
    private static final int BS = 4;

    private final List<int[][]> copies = new ArrayList<>();
    private KvCacheManager kv = manager(9);

    private KvCacheManager manager(int numBlocks) {
        return new KvCacheManager(numBlocks, BS, true, (src, dst) -> copies.add(new int[][] {src, dst}));
    }

    @AfterEach
    void invariantsHold() {
        kv.checkInvariants();
    }

    private static int[] tokens(int from, int count) {
        return IntStream.range(from, from + count).toArray();
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }

    /** Admits a sequence, computes its whole prompt in one step and registers its full blocks. */
    private int prefill(long id, int[] prompt, String extraKey) {
        int cached = kv.findCachedPrefix(id, prompt, extraKey);
        assertThat(kv.allocateSlots(id, prompt.length - cached, cached)).isTrue();
        kv.cacheFullBlocks(id, prompt, prompt.length);
        kv.checkInvariants();
        return cached;
    }

    @Test
    void allocationFailureHasNoSideEffects() {
        kv = manager(5); // 4 usable blocks
        prefill(1, tokens(0, 12), null);
        KvCacheStats before = kv.stats();
        assertThat(kv.findCachedPrefix(2, tokens(100, 8), null)).isZero();
        assertThat(kv.allocateSlots(2, 8, 0)).isFalse();
        assertThat(kv.blockTable(2)).isEmpty();
        assertThat(kv.numFreeBlocks()).isEqualTo(1);
        assertThat(kv.stats().usedBlocks()).isEqualTo(before.usedBlocks());
        kv.checkInvariants();
        assertThat(kv.allocateSlots(2, 4, 0)).as("what fits still fits").isTrue();
    }

    @Test
    void failedAllocationDoesNotReviveOrEvictAPrefixHit() {
        kv = manager(5);
        int[] shared = tokens(0, 8);
        prefill(1, concat(shared, tokens(50, 1)), null);
        kv.free(1);
        int[] longPrompt = concat(shared, tokens(200, 12)); // 5 blocks > 4 usable
        assertThat(kv.findCachedPrefix(2, longPrompt, null)).isEqualTo(8);
        assertThat(kv.allocateSlots(2, 12, 8)).isFalse();
        assertThat(kv.stats()).extracting(KvCacheStats::usedBlocks, KvCacheStats::cachedBlocks, KvCacheStats::evictions)
                .containsExactly(0, 2, 0L);
        assertThat(kv.numFreeBlocks()).isEqualTo(4);
    }

    @Test
    void freeReturnsEveryBlock() {
        prefill(1, tokens(0, 10), null);
        assertThat(kv.numFreeBlocks()).isEqualTo(5);
        assertThat(kv.free(1)).isTrue();
        assertThat(kv.free(1)).isFalse();
        assertThat(kv.numFreeBlocks()).isEqualTo(8);
        assertThat(kv.contains(1)).isFalse();
    }

    @Test
    void prefixOfThreeFullBlocksIsSharedAcrossRequests() {
        int[] shared = tokens(0, 12);
        assertThat(prefill(1, concat(shared, tokens(500, 2)), null)).isZero();
        assertThat(prefill(2, concat(shared, tokens(900, 3)), null)).isEqualTo(12);
        int[] t1 = kv.blockTable(1);
        int[] t2 = kv.blockTable(2);
        assertThat(t2).hasSize(4);
        assertThat(t2).startsWith(t1[0], t1[1], t1[2]);
        assertThat(t2[3]).isNotEqualTo(t1[3]);
        assertThat(kv.stats().prefixHitTokens()).isEqualTo(12);
        assertThat(kv.stats().prefixQueryTokens()).isEqualTo(14 + 15);
        assertThat(kv.slot(2, 13)).isEqualTo(t2[3] * BS + 1);
    }

    @Test
    void hitOnCachedFreeBlocksRevivesThem() {
        int[] prompt = tokens(0, 14);
        prefill(1, prompt, null);
        int[] t1 = kv.blockTable(1);
        kv.free(1);
        assertThat(kv.usage()).isZero();
        assertThat(kv.stats().cachedBlocks()).isEqualTo(3);

        assertThat(prefill(2, prompt, null)).isEqualTo(12);
        assertThat(kv.blockTable(2)).startsWith(t1[0], t1[1], t1[2]);
        assertThat(kv.stats().evictions()).isZero();
        assertThat(kv.stats().usedBlocks()).isEqualTo(4);
    }

    @Test
    void differentExtraKeyNeverHits() {
        kv = manager(17);
        int[] prompt = tokens(0, 14);
        prefill(1, prompt, "lora-a");
        assertThat(prefill(2, prompt, "lora-b")).isZero();
        assertThat(prefill(3, prompt, null)).isZero();
        assertThat(prefill(4, prompt, "lora-a")).isEqualTo(12);
    }

    @Test
    void lastPromptTokenIsNeverCached() {
        int[] prompt = tokens(0, 12); // exactly three full blocks
        prefill(1, prompt, null);
        assertThat(kv.findCachedPrefix(2, prompt, null)).isEqualTo(8);
        assertThat(kv.findCachedPrefix(3, concat(prompt, tokens(99, 1)), null)).isEqualTo(12);
        assertThat(kv.findCachedPrefix(4, tokens(0, 1), null)).isZero();
        assertThat(kv.findCachedPrefix(5, new int[0], null)).isZero();
    }

    @Test
    void tailBlocksAndLeastRecentlyFreedAreEvictedFirst() {
        int[] a = tokens(0, 13);   // 3 full blocks + 1 partial
        int[] b = tokens(100, 13);
        prefill(1, a, null);
        prefill(2, b, null);       // pool is now full: 8 of 8 blocks
        kv.free(1);
        kv.free(2);
        prefill(3, tokens(500, 5), null); // 2 blocks: A's partial tail, then A's last full block
        assertThat(kv.stats().evictions()).isEqualTo(1);
        assertThat(kv.findCachedPrefix(4, a, null)).as("A lost its tail, kept its head").isEqualTo(8);
        assertThat(kv.findCachedPrefix(5, b, null)).as("B, freed later, is intact").isEqualTo(12);
    }

    @Test
    void forkSharesBlocksAndCopyOnWriteIssuesExactlyOneCopy() {
        int[] prompt = tokens(0, 6); // one full block + a partial one
        prefill(1, prompt, null);
        kv.fork(1, 2);
        int[] parent = kv.blockTable(1);
        assertThat(kv.blockTable(2)).containsExactly(parent);
        assertThat(kv.stats().usedBlocks()).isEqualTo(2);
        kv.checkInvariants();

        assertThat(kv.allocateSlots(2, 1, 6)).isTrue(); // child writes position 6 into the shared partial block
        int[] child = kv.blockTable(2);
        assertThat(child[0]).isEqualTo(parent[0]);
        assertThat(child[1]).isNotEqualTo(parent[1]);
        assertThat(kv.numPendingCopies()).isEqualTo(1);
        assertThat(kv.flushPendingCopies()).isEqualTo(1);
        assertThat(copies).singleElement().satisfies(c -> {
            assertThat(c[0]).containsExactly(parent[1]);
            assertThat(c[1]).containsExactly(child[1]);
        });

        assertThat(kv.allocateSlots(1, 1, 6)).as("parent now owns its block alone").isTrue();
        assertThat(kv.blockTable(1)).containsExactly(parent);
        assertThat(kv.flushPendingCopies()).isZero();
        assertThat(kv.stats().blockCopies()).isEqualTo(1);
    }

    @Test
    void forkAtABlockBoundaryNeedsNoCopy() {
        prefill(1, tokens(0, 8), null);
        kv.fork(1, 2);
        assertThat(kv.allocateSlots(1, 1, 8)).isTrue();
        assertThat(kv.allocateSlots(2, 1, 8)).isTrue();
        assertThat(kv.numPendingCopies()).isZero();
        assertThat(kv.blockTable(1)[2]).isNotEqualTo(kv.blockTable(2)[2]);
    }

    @Test
    void usageReturnsToZeroWhileBlocksStayCached() {
        prefill(1, tokens(0, 14), null);
        prefill(2, tokens(0, 20), null);
        kv.fork(2, 3);
        assertThat(kv.usage()).isGreaterThan(0.0);
        kv.free(2);
        kv.free(1);
        kv.free(3);
        assertThat(kv.usage()).isZero();
        assertThat(kv.stats().usedBlocks()).isZero();
        assertThat(kv.stats().cachedBlocks()).isEqualTo(5);
        assertThat(kv.numFreeBlocks()).isEqualTo(8);
    }

    @Test
    void misuseIsRejectedWithAMessage() {
        prefill(1, tokens(0, 14), null);
        assertThatThrownBy(() -> kv.findCachedPrefix(1, tokens(0, 3), null)).hasMessageContaining("already holds");
        assertThatThrownBy(() -> kv.allocateSlots(9, 1, 0)).hasMessageContaining("unknown sequence");
        assertThatThrownBy(() -> kv.fork(1, 1)).hasMessageContaining("already exists");
        kv.findCachedPrefix(2, tokens(0, 14), null);
        assertThatThrownBy(() -> kv.allocateSlots(2, 14, 0)).hasMessageContaining("prefix hit");
        assertThatThrownBy(() -> kv.allocateSlots(1, 1, 4)).as("would rewrite cached blocks")
                .hasMessageContaining("inconsistent");
    }

    @Test
    void withoutPrefixCachingNothingIsShared() {
        kv = new KvCacheManager(9, BS, false, (s, d) -> { });
        prefill(1, tokens(0, 14), null);
        assertThat(prefill(2, tokens(0, 14), null)).isZero();
        assertThat(kv.stats().cachedBlocks()).isZero();
    }
}
