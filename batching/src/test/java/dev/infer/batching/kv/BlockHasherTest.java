package dev.infer.batching.kv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BlockHasherTest {
    private final BlockHasher hasher = new BlockHasher(4);
    private final int[] tokens = {5, 6, 7, 8, 5, 6, 7, 8};

    @Test
    void hashDependsOnTokensParentAndExtraKeyOnly() {
        byte[] none = BlockHasher.encodeExtraKey(null);
        BlockHash first = hasher.hash(BlockHash.ROOT, none, tokens, 0);
        assertThat(hasher.hash(BlockHash.ROOT, none, tokens, 4)).as("same tokens, same parent").isEqualTo(first);
        assertThat(hasher.hash(first, none, tokens, 4)).as("parent is chained").isNotEqualTo(first);
        assertThat(hasher.hash(BlockHash.ROOT, BlockHasher.encodeExtraKey(""), tokens, 0))
                .as("null extra key differs from empty").isNotEqualTo(first);
        assertThat(hasher.hash(BlockHash.ROOT, BlockHasher.encodeExtraKey("lora-1"), tokens, 0)).isNotEqualTo(first);
        assertThat(hasher.hash(BlockHash.ROOT, none, new int[] {5, 6, 7, 9}, 0)).isNotEqualTo(first);
        assertThat(new BlockHasher(4).hash(BlockHash.ROOT, none, tokens, 0)).as("deterministic").isEqualTo(first);
    }
}
