package dev.infer.batching.kv;

/**
 * Bookkeeping for one fixed-size KV block; the K/V bytes themselves live in the engine's KV cache. Instances
 * are created once by {@link BlockPool} and reused forever, so allocation never creates objects.
 */
final class KvBlock {
    final int id;
    /** Number of block tables that hold this block; 0 means it sits in the free list. */
    int refCount;
    /** Non-null exactly while the pool's hash map points at this block (full block, registered for reuse). */
    BlockHash hash;
    /** Free-list links (the list runs through the blocks); both null when not in the free list. */
    KvBlock prev;
    KvBlock next;

    KvBlock(int id) {
        this.id = id;
    }

    boolean inFreeList() {
        return prev != null;
    }

    @Override
    public String toString() {
        return "KvBlock[id=" + id + ", ref=" + refCount + (hash == null ? "" : ", hash=" + hash) + "]";
    }
}
