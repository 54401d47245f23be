package dev.infer.batching.kv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockPoolTest {
    private static final int BS = 4;

    @Test
    void neverHandsOutTheNullBlock() {
        BlockPool pool = new BlockPool(5, BS);
        int[] ids = new int[4];
        assertThat(pool.allocate(4, ids, 0)).isTrue();
        assertThat(ids).containsExactly(1, 2, 3, 4);
        assertThat(pool.numUsableBlocks()).isEqualTo(4);
        assertThat(pool.usage()).isEqualTo(1.0);
        pool.checkInvariants();
        assertThatThrownBy(() -> pool.addRef(BlockPool.NULL_BLOCK_ID)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allocationBeyondTheFreeBlocksFailsWithoutSideEffects() {
        BlockPool pool = new BlockPool(5, BS);
        int[] ids = {-7, -7, -7, -7, -7};
        assertThat(pool.allocate(3, ids, 0)).isTrue();
        assertThat(pool.allocate(2, ids, 3)).isFalse();
        assertThat(ids[3]).isEqualTo(-7);
        assertThat(pool.numFreeBlocks()).isEqualTo(1);
        assertThat(pool.numUsedBlocks()).isEqualTo(3);
        pool.checkInvariants();
    }

    @Test
    void freedBlocksReturnTailFirstAndLeastRecentlyFreedFirst() {
        BlockPool pool = new BlockPool(7, BS);
        int[] a = new int[3];
        int[] b = new int[3];
        pool.allocate(3, a, 0);
        pool.allocate(3, b, 0);
        pool.free(a, 0, 3);
        pool.free(b, 0, 3);
        pool.checkInvariants();
        int[] again = new int[6];
        assertThat(pool.allocate(6, again, 0)).isTrue();
        assertThat(again).containsExactly(a[2], a[1], a[0], b[2], b[1], b[0]);
    }

    @Test
    void cachedFreeBlockIsRevivedByAHitAndEvictedOnlyWhenReallocated() {
        BlockPool pool = new BlockPool(3, BS);
        int[] tokens = {1, 2, 3, 4};
        int[] ids = new int[2];
        pool.allocate(2, ids, 0);
        BlockHash h = new BlockHash(1, 2);
        assertThat(pool.cacheBlock(ids[0], h, tokens, 0)).isTrue();
        pool.free(ids, 0, 2);
        assertThat(pool.numUsedBlocks()).isZero();
        assertThat(pool.numCachedBlocks()).isEqualTo(1);
        assertThat(pool.lookup(h, tokens, 0)).isEqualTo(ids[0]);
        assertThat(pool.lookup(h, new int[] {1, 2, 3, 5}, 0)).as("token check on hit").isEqualTo(-1);

        pool.addRef(ids[0]);
        assertThat(pool.refCount(ids[0])).isEqualTo(1);
        assertThat(pool.numFreeBlocks()).isEqualTo(1);
        pool.checkInvariants();
        pool.release(ids[0]);

        int[] two = new int[2];
        pool.allocate(2, two, 0);
        assertThat(pool.evictions()).isEqualTo(1);
        assertThat(pool.lookup(h, tokens, 0)).isEqualTo(-1);
        pool.checkInvariants();
    }

    @Test
    void aHashHeldByAnotherBlockIsNotRegisteredTwice() {
        BlockPool pool = new BlockPool(3, BS);
        int[] ids = new int[2];
        pool.allocate(2, ids, 0);
        BlockHash h = new BlockHash(3, 4);
        assertThat(pool.cacheBlock(ids[0], h, new int[] {1, 2, 3, 4}, 0)).isTrue();
        assertThat(pool.cacheBlock(ids[1], h, new int[] {1, 2, 3, 4}, 0)).isFalse();
        assertThat(pool.hashOf(ids[1])).isNull();
        pool.checkInvariants();
    }

    @Test
    void doubleFreeIsCaught() {
        BlockPool pool = new BlockPool(3, BS);
        int[] ids = new int[1];
        pool.allocate(1, ids, 0);
        pool.release(ids[0]);
        assertThatThrownBy(() -> pool.release(ids[0])).hasMessageContaining("double free");
    }
}
