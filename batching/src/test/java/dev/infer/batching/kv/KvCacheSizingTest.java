package dev.infer.batching.kv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvCacheSizingTest {

    @Test
    void parsesSizesInBinaryUnits() {
        assertThat(KvCacheSizing.parseBytes("4GiB")).isEqualTo(4L << 30);
        assertThat(KvCacheSizing.parseBytes("4 GB")).isEqualTo(4L << 30);
        assertThat(KvCacheSizing.parseBytes("512m")).isEqualTo(512L << 20);
        assertThat(KvCacheSizing.parseBytes("1.5G")).isEqualTo(3L << 29);
        assertThat(KvCacheSizing.parseBytes("1048576")).isEqualTo(1 << 20);
        assertThat(KvCacheSizing.parseBytes("2Ki")).isEqualTo(2048);
        assertThatThrownBy(() -> KvCacheSizing.parseBytes("lots")).hasMessageContaining("--kv-cache-memory");
        assertThatThrownBy(() -> KvCacheSizing.parseBytes("-1G")).hasMessageContaining("--kv-cache-memory");
    }

    @Test
    void aBudgetBuysWholeBlocks() {
        // qwen2.5-0.5b: 24 layers x 2 (K, V) x 16 tokens x 2 KV heads x 64 x 4 bytes = 393216 bytes per block.
        assertThat(KvCacheSizing.blocksFor(1L << 30, 393_216)).isEqualTo(2730);
        assertThatThrownBy(() -> KvCacheSizing.blocksFor(1000, 393_216)).hasMessageContaining("holds no KV block");
        assertThatThrownBy(() -> KvCacheSizing.blocksFor(0, 10)).hasMessageContaining("must be > 0");
    }

    @Test
    void aFractionOfAvailableMemoryIsPositiveAndBounded() {
        long available = KvCacheSizing.availableMemory();
        assertThat(available).isPositive();
        assertThat(KvCacheSizing.fractionOfAvailable(0.5)).isBetween(1L, available);
        assertThatThrownBy(() -> KvCacheSizing.fractionOfAvailable(1.5)).hasMessageContaining("(0, 1]");
    }
}
