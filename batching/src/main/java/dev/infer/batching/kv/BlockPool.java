package dev.infer.batching.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A fixed pool of KV block ids with reference counts, an LRU-ish free list and a hash → block map for automatic
 * prefix caching (after vLLM v1's {@code BlockPool}). Not thread-safe: the scheduler thread owns it.
 *
 * <p><b>Null block.</b> Block 0 is reserved and never handed out, so engines can pad block tables with 0 (and
 * skipped blocks, e.g. for sliding windows, can point at it) without ever touching a live sequence's K/V. It
 * costs one block; {@link #numUsableBlocks()} excludes it.
 *
 * <p><b>Free list.</b> Doubly linked through the blocks with head/tail sentinels: O(1) pop from the head,
 * append at the tail, and removal from the middle (reviving a cached-free block on a prefix hit). Freed blocks
 * go to the tail, so the least recently freed block is reused (and its cache entry evicted) first.
 *
 * <p><b>Cached-free blocks.</b> A block whose refcount drops to 0 keeps its hash: it is free (counted in
 * {@link #numFreeBlocks()}, not in {@link #numUsedBlocks()}) yet a later prefix hit can take it back. Its cache
 * entry is dropped lazily, only when allocation pops it from the head of the free list.
 */
final class BlockPool {
    static final int NULL_BLOCK_ID = 0;

    private final int blockSize;
    private final KvBlock[] blocks;
    /** Token ids of each registered block, at [id * blockSize, (id + 1) * blockSize): checked on every hit. */
    private final int[] cachedTokens;
    private final Map<BlockHash, KvBlock> cachedByHash = new HashMap<>();
    private final KvBlock head = new KvBlock(-1);
    private final KvBlock tail = new KvBlock(-1);
    private int numFree;
    private int numUsed;
    private long evictions;

    BlockPool(int numBlocks, int blockSize) {
        if (numBlocks < 2) {
            throw new IllegalArgumentException("need at least 2 blocks (block 0 is the null block), got " + numBlocks);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be positive, got " + blockSize);
        }
        this.blockSize = blockSize;
        this.blocks = new KvBlock[numBlocks];
        this.cachedTokens = new int[Math.multiplyExact(numBlocks, blockSize)];
        head.next = tail;
        tail.prev = head;
        for (int id = 0; id < numBlocks; id++) {
            blocks[id] = new KvBlock(id);
            if (id != NULL_BLOCK_ID) {
                appendToFreeList(blocks[id]);
            }
        }
    }

    int numTotalBlocks() {
        return blocks.length;
    }

    int numUsableBlocks() {
        return blocks.length - 1;
    }

    /** Blocks with refcount 0, including cached-free ones. */
    int numFreeBlocks() {
        return numFree;
    }

    /** Blocks held by at least one block table. */
    int numUsedBlocks() {
        return numUsed;
    }

    int numCachedBlocks() {
        return cachedByHash.size();
    }

    long evictions() {
        return evictions;
    }

    /** Fraction of usable blocks held by sequences; cached-free blocks do not count. */
    double usage() {
        return (double) numUsed / numUsableBlocks();
    }

    int refCount(int id) {
        return blocks[id].refCount;
    }

    BlockHash hashOf(int id) {
        return blocks[id].hash;
    }

    /**
     * Takes {@code n} blocks from the head of the free list (evicting their cache entries), each with refcount 1,
     * into {@code dst[off, off + n)}. Returns false, changing nothing, when fewer than {@code n} are free.
     */
    boolean allocate(int n, int[] dst, int off) {
        if (n > numFree) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            KvBlock b = head.next;
            unlink(b);
            if (b.hash != null) {
                cachedByHash.remove(b.hash);
                b.hash = null;
                evictions++;
            }
            b.refCount = 1;
            dst[off + i] = b.id;
        }
        numUsed += n;
        return true;
    }

    /** One more table holds block {@code id}; a cached-free block is taken out of the free list (revived). */
    void addRef(int id) {
        KvBlock b = usable(id);
        if (b.refCount == 0) {
            unlink(b);
            numUsed++;
        }
        b.refCount++;
    }

    /**
     * Drops one reference from each of {@code ids[from, to)}, walking from the end: blocks reaching 0 join the
     * free-list tail in reverse order, so a sequence's tail blocks (the least likely to be shared) are evicted
     * before its head blocks.
     */
    void free(int[] ids, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            release(ids[i]);
        }
    }

    void release(int id) {
        KvBlock b = usable(id);
        if (b.refCount <= 0) {
            throw new IllegalStateException("double free of " + b);
        }
        if (--b.refCount == 0) {
            numUsed--;
            appendToFreeList(b);
        }
    }

    /**
     * The cached block for {@code hash} whose stored tokens equal {@code tokens[from, from + blockSize)}, or -1.
     * Does not change its refcount: {@link #addRef} does when the caller commits to using it.
     */
    int lookup(BlockHash hash, int[] tokens, int from) {
        KvBlock b = cachedByHash.get(hash);
        if (b == null) {
            return -1;
        }
        int base = b.id * blockSize;
        return Arrays.equals(cachedTokens, base, base + blockSize, tokens, from, from + blockSize) ? b.id : -1;
    }

    /**
     * Registers the full, computed block {@code id} under {@code hash} so later prefixes can hit it. Returns false
     * when it is already registered or another block already holds this hash (first writer wins; the duplicate
     * stays an ordinary block and is recycled without an eviction).
     */
    boolean cacheBlock(int id, BlockHash hash, int[] tokens, int from) {
        KvBlock b = usable(id);
        if (b.refCount == 0) {
            throw new IllegalStateException("cannot cache a free block " + b);
        }
        if (b.hash != null) {
            if (!b.hash.equals(hash)) {
                throw new IllegalStateException(b + " is already cached under another hash " + hash);
            }
            return false;
        }
        if (cachedByHash.putIfAbsent(hash, b) != null) {
            return false;
        }
        b.hash = hash;
        System.arraycopy(tokens, from, cachedTokens, id * blockSize, blockSize);
        return true;
    }

    /** Verifies the pool's own invariants; throws {@link IllegalStateException} naming the first one broken. */
    void checkInvariants() {
        boolean[] seen = new boolean[blocks.length];
        int listed = 0;
        for (KvBlock b = head.next, prev = head; b != tail; prev = b, b = b.next) {
            check(b != null && b.id > 0 && b.id < blocks.length && blocks[b.id] == b, "foreign node in free list");
            check(b.prev == prev, "broken prev link at " + b);
            check(!seen[b.id], b + " appears twice in the free list");
            check(b.refCount == 0, b + " is in the free list with a non-zero refcount");
            seen[b.id] = true;
            check(++listed <= blocks.length, "free list has a cycle");
        }
        check(listed == numFree, "free list length " + listed + " != numFree " + numFree);
        KvBlock nullBlock = blocks[NULL_BLOCK_ID];
        check(nullBlock.refCount == 0 && !nullBlock.inFreeList() && nullBlock.hash == null, "null block in use");
        int used = 0;
        for (int id = 1; id < blocks.length; id++) {
            KvBlock b = blocks[id];
            check(seen[id] == (b.refCount == 0), b + " must be either free or referenced");
            check(seen[id] == b.inFreeList(), b + " has stale free-list links");
            check(b.hash == null || cachedByHash.get(b.hash) == b, b + " has a hash the map does not point back to");
            if (b.refCount > 0) {
                used++;
            }
        }
        check(used == numUsed, "used count " + used + " != numUsed " + numUsed);
        check(numFree + numUsed == numUsableBlocks(), "free + used != usable blocks");
        for (Map.Entry<BlockHash, KvBlock> e : cachedByHash.entrySet()) {
            check(e.getKey().equals(e.getValue().hash), "map entry " + e.getKey() + " points at " + e.getValue());
        }
    }

    private KvBlock usable(int id) {
        if (id <= NULL_BLOCK_ID || id >= blocks.length) {
            throw new IllegalArgumentException("not a usable block id: " + id);
        }
        return blocks[id];
    }

    private void appendToFreeList(KvBlock b) {
        b.prev = tail.prev;
        b.next = tail;
        tail.prev.next = b;
        tail.prev = b;
        numFree++;
    }

    private void unlink(KvBlock b) {
        b.prev.next = b.next;
        b.next.prev = b.prev;
        b.prev = null;
        b.next = null;
        numFree--;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("KV invariant broken: " + message);
        }
    }
}
