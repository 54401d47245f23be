package dev.infer.batching.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The facade the scheduler uses to give sequences KV blocks (after vLLM v1's {@code KVCacheManager}): prefix
 * cache lookup, slot allocation, registration of newly full blocks, forking for n > 1 and copy-on-write. It
 * deals only in block ids; the engine owns the memory, and the only thing this class asks of it is block copies
 * through a {@link BlockCopier}.
 *
 * <p>Per sequence and step the scheduler calls, in order: {@link #findCachedPrefix} (new sequences only, right
 * before) {@link #allocateSlots}; then {@link #flushPendingCopies()} once before executing the step; after the
 * step, {@link #cacheFullBlocks}. {@link #free} when the sequence finishes or is preempted (to be recomputed).
 *
 * <p><b>Not thread-safe, by design</b>: one scheduler thread owns all batching state, as in vLLM and TGI.
 */
public final class KvCacheManager {
    private final int blockSize;
    private final boolean prefixCaching;
    private final BlockCopier copier;
    private final BlockPool pool;
    private final BlockHasher hasher;
    private final Map<Long, SequenceBlocks> sequences = new HashMap<>();
    private int[] copySrc = new int[8];
    private int[] copyDst = new int[8];
    private int numPendingCopies;
    private long prefixQueryTokens;
    private long prefixHitTokens;
    private long blockCopies;

    /**
     * @param numBlocks     blocks in the engine's KV cache, including the reserved null block 0
     * @param blockSize     tokens per block
     * @param prefixCaching whether full blocks are hashed and reused across sequences
     * @param copier        applies copy-on-write copies, normally {@code kvCache::copyBlocks}
     */
    public KvCacheManager(int numBlocks, int blockSize, boolean prefixCaching, BlockCopier copier) {
        this.pool = new BlockPool(numBlocks, blockSize);
        this.blockSize = blockSize;
        this.prefixCaching = prefixCaching;
        this.copier = Objects.requireNonNull(copier, "copier");
        this.hasher = new BlockHasher(blockSize);
    }

    public int blockSize() {
        return blockSize;
    }

    /**
     * Registers a new sequence (or one re-admitted after preemption, holding no blocks) and returns how many
     * leading prompt tokens the prefix cache already holds: a multiple of the block size, and at most
     * {@code prompt.length - 1}, so the last prompt token is always computed and yields logits to sample.
     * The hit blocks are only remembered here; {@link #allocateSlots} takes them, which must follow before any
     * other allocation could evict them.
     *
     * @param extraKey what else changes K/V besides tokens (model / LoRA adapter id, cache salt); null for none
     */
    public int findCachedPrefix(long requestId, int[] promptTokens, String extraKey) {
        SequenceBlocks old = sequences.get(requestId);
        if (old != null && old.numBlocks > 0) {
            throw new IllegalStateException("sequence " + requestId + " already holds blocks; free it first");
        }
        SequenceBlocks s = new SequenceBlocks(requestId, BlockHasher.encodeExtraKey(extraKey));
        sequences.put(requestId, s);
        if (!prefixCaching) {
            return 0;
        }
        hashFullBlocks(s, promptTokens, promptTokens.length);
        int maxHitBlocks = Math.max(0, promptTokens.length - 1) / blockSize;
        s.pendingHits = new int[maxHitBlocks];
        while (s.numPendingHits < maxHitBlocks) {
            int i = s.numPendingHits;
            int id = pool.lookup(s.hashes[i], promptTokens, i * blockSize);
            if (id < 0) {
                break;
            }
            s.pendingHits[s.numPendingHits++] = id;
        }
        int hitTokens = s.numPendingHits * blockSize;
        prefixQueryTokens += promptTokens.length;
        prefixHitTokens += hitTokens;
        return hitTokens;
    }

    /**
     * Makes room for {@code numNewTokens} tokens at positions {@code [numComputedTokens, +numNewTokens)}: takes
     * the pending prefix hit (for a new sequence {@code numComputedTokens} must equal the hit), replaces shared
     * blocks that will be written by private copies (copy-on-write, queued for {@link #flushPendingCopies()}) and
     * appends fresh blocks. Returns false, changing nothing, when the pool has too few free blocks; the scheduler
     * then preempts or waits, and for a new sequence calls {@link #findCachedPrefix} again before the next try
     * (other allocations may have evicted the hit meanwhile; using a stale hit throws).
     */
    public boolean allocateSlots(long requestId, int numNewTokens, int numComputedTokens) {
        SequenceBlocks s = require(requestId);
        if (numNewTokens < 0 || numComputedTokens < 0) {
            throw new IllegalArgumentException("negative token count: new=" + numNewTokens + " computed=" + numComputedTokens);
        }
        int hits = s.numPendingHits;
        if (hits > 0 && numComputedTokens != hits * blockSize) {
            throw new IllegalArgumentException("sequence " + requestId + " has a " + hits * blockSize
                    + "-token prefix hit but numComputedTokens=" + numComputedTokens);
        }
        int held = s.numBlocks + hits;
        if (numComputedTokens > held * blockSize || numComputedTokens < s.numCachedBlocks * blockSize) {
            throw new IllegalArgumentException("numComputedTokens=" + numComputedTokens + " inconsistent with "
                    + held + " blocks of which " + s.numCachedBlocks + " are cached");
        }
        int revived = 0;
        for (int i = 0; i < hits; i++) {
            int id = s.pendingHits[i];
            if (!s.hashes[i].equals(pool.hashOf(id))) {
                throw new IllegalStateException("prefix hit of sequence " + requestId
                        + " was evicted; call allocateSlots right after findCachedPrefix");
            }
            if (pool.refCount(id) == 0) {
                revived++;
            }
        }
        int endBlock = ceilDiv(numComputedTokens + numNewTokens, blockSize);
        int firstWritten = numComputedTokens / blockSize;
        int cow = 0;
        for (int j = firstWritten; numNewTokens > 0 && j < Math.min(s.numBlocks, endBlock); j++) {
            if (pool.refCount(s.table[j]) > 1) {
                cow++;
            }
        }
        int fresh = Math.max(0, endBlock - held);
        if (revived + cow + fresh > pool.numFreeBlocks()) {
            return false;
        }
        // Revive the hits before allocating anything else, or allocation could evict them.
        s.ensureTableCapacity(Math.max(held, endBlock));
        for (int i = 0; i < hits; i++) {
            pool.addRef(s.pendingHits[i]);
            s.table[s.numBlocks++] = s.pendingHits[i];
        }
        s.numCachedBlocks = Math.max(s.numCachedBlocks, hits);
        s.numPendingHits = 0;
        for (int j = firstWritten; cow > 0 && j < Math.min(s.numBlocks, endBlock); j++) {
            if (pool.refCount(s.table[j]) > 1) {
                copyOnWrite(s, j, numComputedTokens);
                cow--;
            }
        }
        if (fresh > 0) {
            pool.allocate(fresh, s.table, s.numBlocks);
            s.numBlocks += fresh;
        }
        return true;
    }

    /**
     * Registers this sequence's full blocks whose tokens are all computed ({@code [0, numComputedTokens)}) in the
     * prefix cache. {@code tokens} holds the sequence's tokens so far (prompt + output, possibly with spare
     * capacity); its prefix must match the prompt given to {@link #findCachedPrefix}.
     */
    public void cacheFullBlocks(long requestId, int[] tokens, int numComputedTokens) {
        SequenceBlocks s = require(requestId);
        if (numComputedTokens > tokens.length) {
            throw new IllegalArgumentException("numComputedTokens=" + numComputedTokens + " > tokens " + tokens.length);
        }
        if (!prefixCaching) {
            return;
        }
        int full = Math.min(numComputedTokens / blockSize, s.numBlocks);
        if (full <= s.numCachedBlocks) {
            return;
        }
        hashFullBlocks(s, tokens, full * blockSize);
        for (int i = s.numCachedBlocks; i < full; i++) {
            pool.cacheBlock(s.table[i], s.hashes[i], tokens, i * blockSize);
        }
        s.numCachedBlocks = full;
    }

    /**
     * Gives {@code childId} all of the parent's blocks (refcount + 1 each); the first write into a shared,
     * partially filled block triggers copy-on-write in {@link #allocateSlots}.
     */
    public void fork(long parentId, long childId) {
        SequenceBlocks parent = require(parentId);
        if (sequences.containsKey(childId)) {
            throw new IllegalArgumentException("sequence " + childId + " already exists");
        }
        if (parent.numPendingHits > 0) {
            throw new IllegalStateException("fork sequence " + parentId + " only after allocateSlots");
        }
        SequenceBlocks child = new SequenceBlocks(childId, parent);
        for (int i = 0; i < child.numBlocks; i++) {
            pool.addRef(child.table[i]);
        }
        sequences.put(childId, child);
    }

    /** Releases every block of the sequence (tail first) and forgets it. Returns false if it was unknown. */
    public boolean free(long requestId) {
        SequenceBlocks s = sequences.remove(requestId);
        if (s == null) {
            return false;
        }
        pool.free(s.table, 0, s.numBlocks);
        return true;
    }

    /** Applies all queued copy-on-write copies in one {@link BlockCopier} call; returns how many. */
    public int flushPendingCopies() {
        int n = numPendingCopies;
        if (n > 0) {
            numPendingCopies = 0;
            copier.copyBlocks(Arrays.copyOf(copySrc, n), Arrays.copyOf(copyDst, n));
        }
        return n;
    }

    public int numPendingCopies() {
        return numPendingCopies;
    }

    /** A copy of the sequence's block table. */
    public int[] blockTable(long requestId) {
        SequenceBlocks s = require(requestId);
        return Arrays.copyOf(s.table, s.numBlocks);
    }

    /** The KV slot ({@code block * blockSize + offset}) that token position {@code position} writes to. */
    public int slot(long requestId, int position) {
        SequenceBlocks s = require(requestId);
        if (position < 0 || position >= s.numBlocks * blockSize) {
            throw new IndexOutOfBoundsException("position " + position + " has no block in sequence " + requestId);
        }
        return s.table[position / blockSize] * blockSize + position % blockSize;
    }

    public boolean contains(long requestId) {
        return sequences.containsKey(requestId);
    }

    public int numFreeBlocks() {
        return pool.numFreeBlocks();
    }

    /** Fraction of usable blocks held by sequences; cached-free blocks do not count. */
    public double usage() {
        return pool.usage();
    }

    public KvCacheStats stats() {
        return new KvCacheStats(pool.numUsableBlocks(), pool.numUsedBlocks(), pool.numFreeBlocks(),
                pool.numCachedBlocks(), prefixQueryTokens, prefixHitTokens, pool.evictions(), blockCopies);
    }

    /**
     * Verifies every invariant (O(blocks + table entries), cheap enough for tests to call after each operation):
     * the pool's own (free list xor referenced, hash map consistent, free + used = usable), plus: each block's
     * refcount equals the number of tables holding it, no table holds a block twice or the null block.
     */
    public void checkInvariants() {
        pool.checkInvariants();
        int[] refs = new int[pool.numTotalBlocks()];
        for (SequenceBlocks s : sequences.values()) {
            BlockPool.check(s.numCachedBlocks <= s.numBlocks, "sequence " + s.id + " caches more blocks than it has");
            for (int i = 0; i < s.numBlocks; i++) {
                int id = s.table[i];
                BlockPool.check(id != BlockPool.NULL_BLOCK_ID, "null block in the table of sequence " + s.id);
                for (int k = 0; k < i; k++) {
                    BlockPool.check(s.table[k] != id, "block " + id + " twice in the table of sequence " + s.id);
                }
                refs[id]++;
            }
        }
        for (int id = 1; id < refs.length; id++) {
            BlockPool.check(refs[id] == pool.refCount(id),
                    "block " + id + " has refcount " + pool.refCount(id) + " but " + refs[id] + " tables hold it");
        }
    }

    private void copyOnWrite(SequenceBlocks s, int index, int numComputedTokens) {
        int old = s.table[index];
        pool.allocate(1, s.table, index);
        // Only a block that already holds computed tokens needs its contents; a shared empty one is just replaced.
        if (index * blockSize < numComputedTokens) {
            if (numPendingCopies == copySrc.length) {
                copySrc = Arrays.copyOf(copySrc, copySrc.length * 2);
                copyDst = Arrays.copyOf(copyDst, copyDst.length * 2);
            }
            copySrc[numPendingCopies] = old;
            copyDst[numPendingCopies++] = s.table[index];
            blockCopies++;
        }
        pool.release(old);
    }

    /** Extends the sequence's hash chain over the full blocks in {@code tokens[0, numTokens)}. */
    private void hashFullBlocks(SequenceBlocks s, int[] tokens, int numTokens) {
        for (int i = s.numHashes; i < numTokens / blockSize; i++) {
            s.appendHash(hasher.hash(s.lastHash(), s.encodedExtraKey, tokens, i * blockSize));
        }
    }

    private SequenceBlocks require(long requestId) {
        SequenceBlocks s = sequences.get(requestId);
        if (s == null) {
            throw new IllegalArgumentException("unknown sequence " + requestId);
        }
        return s;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
