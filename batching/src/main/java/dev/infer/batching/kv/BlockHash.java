package dev.infer.batching.kv;

/**
 * 128-bit content hash of one full block: SHA-256 over (parent block hash, extra key, the block's token ids),
 * truncated to 128 bits. Chaining through the parent makes a block hash identify the whole prefix up to and
 * including the block, so equal hashes mean equal K/V.
 *
 * <p>Why 128 bits of SHA-256 and not a fast 64-bit hash: prompts are user-controlled, and a collision would
 * silently serve another prompt's K/V. A cryptographic hash rules out crafted collisions, and 128 bits make an
 * accidental one negligible (birthday bound ~2^64 blocks). As a cheap second line of defence the pool also keeps
 * each cached block's own token ids and compares them on every hit.
 */
record BlockHash(long hi, long lo) {
    /** The "parent" of a sequence's first block. */
    static final BlockHash ROOT = new BlockHash(0L, 0L);

    @Override
    public String toString() {
        return String.format("%016x%016x", hi, lo);
    }
}
