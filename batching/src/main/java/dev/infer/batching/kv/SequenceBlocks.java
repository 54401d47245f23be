package dev.infer.batching.kv;

import java.util.Arrays;

/** One sequence's KV state in the manager: its block table, its full-block hashes and a pending prefix hit. */
final class SequenceBlocks {
    private static final int[] NO_BLOCKS = new int[0];

    final long id;
    final byte[] encodedExtraKey;
    /** Block ids, {@code table[0, numBlocks)}; position p lives in block {@code table[p / blockSize]}. */
    int[] table;
    int numBlocks;
    /** Hashes of this sequence's first {@code numHashes} full blocks (computed once, reused on every call). */
    BlockHash[] hashes;
    int numHashes;
    /** Table entries {@code [0, numCachedBlocks)} are registered in (or were hit from) the prefix cache. */
    int numCachedBlocks;
    /** Blocks found by findCachedPrefix, not yet referenced; allocateSlots takes them. */
    int[] pendingHits = NO_BLOCKS;
    int numPendingHits;

    SequenceBlocks(long id, byte[] encodedExtraKey) {
        this.id = id;
        this.encodedExtraKey = encodedExtraKey;
        this.table = new int[4];
        this.hashes = new BlockHash[4];
    }

    /** A child that shares every block of {@code parent} (the caller adds the references). */
    SequenceBlocks(long id, SequenceBlocks parent) {
        this.id = id;
        this.encodedExtraKey = parent.encodedExtraKey;
        this.table = Arrays.copyOf(parent.table, Math.max(4, parent.numBlocks));
        this.numBlocks = parent.numBlocks;
        this.hashes = Arrays.copyOf(parent.hashes, Math.max(4, parent.numHashes));
        this.numHashes = parent.numHashes;
        this.numCachedBlocks = parent.numCachedBlocks;
    }

    void ensureTableCapacity(int blocks) {
        if (blocks > table.length) {
            table = Arrays.copyOf(table, Math.max(blocks, table.length * 2));
        }
    }

    void appendHash(BlockHash h) {
        if (numHashes == hashes.length) {
            hashes = Arrays.copyOf(hashes, hashes.length * 2);
        }
        hashes[numHashes++] = h;
    }

    BlockHash lastHash() {
        return numHashes == 0 ? BlockHash.ROOT : hashes[numHashes - 1];
    }
}
