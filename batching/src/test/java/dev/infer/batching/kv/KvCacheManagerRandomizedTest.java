package dev.infer.batching.kv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of random scheduler-like operations against a model of the engine's KV memory: every slot holds a
 * fingerprint of what its K/V depends on (the extra key and every token up to and including its own), block
 * copies move fingerprints, and after every operation each live sequence must read back its own fingerprint at
 * every computed position. That checks prefix hits (served blocks
 * hold the right content), copy-on-write (no sequence writes into a block another one reads) and eviction
 * (nothing live is reused), on top of {@link KvCacheManager#checkInvariants()} after every operation.
 */
class KvCacheManagerRandomizedTest {
    private static final int BS = 4;
    private static final int OPS = 4000;
    private static final int MAX_LIVE = 8;
    private static final int MAX_LEN = 40;

    private static final class Seq {
        final long id;
        final int[] tokens;
        /** fingerprints[p]: what the K/V at position p depends on; see {@link #mix}. */
        final long[] fingerprints;
        /** What the K/V depends on besides the tokens (the extra key). */
        final long seed;
        int len;
        int computed;

        Seq(long id, long seed, int[] tokens, long[] fingerprints, int len, int computed) {
            this.id = id;
            this.seed = seed;
            this.tokens = tokens;
            this.fingerprints = fingerprints;
            this.len = len;
            this.computed = computed;
        }

        void append(int token) {
            tokens[len] = token;
            fingerprints[len] = mix(len == 0 ? seed : fingerprints[len - 1], token);
            len++;
        }
    }

    private static long mix(long prev, int token) {
        long z = (prev ^ token) * 0x9E3779B97F4A7C15L + token;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        return z ^ (z >>> 33);
    }

    private Random rnd;
    private KvCacheManager kv;
    private long[] memory;
    private final List<Seq> live = new ArrayList<>();
    private int[][] sharedPrefixes;
    private long nextId;
    private int allocationFailures;

    @ParameterizedTest(name = "seed={0}, blocks={1}")
    @CsvSource({"42, 40", "7, 12", "2026, 24"})
    void randomOperationsKeepEveryInvariant(long seed, int numBlocks) {
        rnd = new Random(seed);
        memory = new long[numBlocks * BS];
        kv = new KvCacheManager(numBlocks, BS, true, this::copyBlocks);
        // The last two repeat one block's tokens at different depths: only the parent hash tells them apart.
        sharedPrefixes = new int[][] {randomTokens(9), randomTokens(14), randomTokens(5),
                {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, {9, 9, 9, 9, 1, 2, 3, 4, 1, 2}};

        for (int op = 0; op < OPS; op++) {
            int r = rnd.nextInt(100);
            if (live.isEmpty() || (r < 25 && live.size() < MAX_LIVE)) {
                admit();
            } else if (r < 75) {
                step(live.get(rnd.nextInt(live.size())));
            } else if (r < 85) {
                fork(live.get(rnd.nextInt(live.size())));
            } else {
                finish(live.get(rnd.nextInt(live.size())));
            }
            verify();
        }

        KvCacheStats stats = kv.stats();
        assertThat(stats.prefixHitTokens()).as("prefix hits").isPositive();
        assertThat(stats.blockCopies()).as("copy-on-write copies").isPositive();
        assertThat(allocationFailures).as("allocation failures").isPositive();
        if (numBlocks < 40) {
            assertThat(stats.evictions()).as("evictions").isPositive();
        }

        Collections.shuffle(live, rnd);
        while (!live.isEmpty()) {
            finish(live.getLast());
            verify();
        }
        assertThat(kv.usage()).isZero();
        assertThat(kv.stats().usedBlocks()).isZero();
        assertThat(kv.numFreeBlocks()).isEqualTo(numBlocks - 1);
        kv.checkInvariants(); // includes: every usable block is in the free list exactly once
    }

    private void admit() {
        int[] prefix = sharedPrefixes[rnd.nextInt(sharedPrefixes.length)];
        int[] prompt = Arrays.copyOf(prefix, prefix.length + 1 + rnd.nextInt(10));
        for (int i = prefix.length; i < prompt.length; i++) {
            prompt[i] = rnd.nextInt(1000);
        }
        String extraKey = rnd.nextInt(4) == 0 ? "lora-7" : null;
        long id = nextId++;
        int cached = kv.findCachedPrefix(id, prompt, extraKey);
        assertThat(cached % BS).isZero();
        assertThat(cached).isLessThanOrEqualTo(prompt.length - 1);
        long seed = extraKey == null ? 17 : extraKey.hashCode();
        Seq s = new Seq(id, seed, new int[MAX_LEN], new long[MAX_LEN], 0, cached);
        for (int t : prompt) {
            s.append(t);
        }
        if (!compute(s, Math.min(prompt.length - cached, 1 + rnd.nextInt(12)))) {
            kv.free(id); // not admitted this time: drop its registration
            return;
        }
        live.add(s);
    }

    /** One engine step for {@code s}: the next prefill chunk, or one decode token. */
    private void step(Seq s) {
        if (s.computed == s.len) {
            if (s.len >= MAX_LEN) {
                finish(s);
                return;
            }
            s.append(rnd.nextInt(8)); // the sampled token; a small vocabulary makes decode blocks collide
        }
        if (!compute(s, Math.min(s.len - s.computed, 1 + rnd.nextInt(8)))) {
            finish(s); // preempted for recompute: the scheduler frees it
        }
    }

    private boolean compute(Seq s, int numNew) {
        if (!kv.allocateSlots(s.id, numNew, s.computed)) {
            allocationFailures++;
            kv.checkInvariants();
            return false;
        }
        kv.flushPendingCopies(); // the engine loop applies copies before the forward pass writes
        for (int p = s.computed; p < s.computed + numNew; p++) {
            memory[kv.slot(s.id, p)] = s.fingerprints[p];
        }
        s.computed += numNew;
        kv.cacheFullBlocks(s.id, s.tokens, s.computed);
        return true;
    }

    private void fork(Seq parent) {
        if (parent.computed != parent.len || live.size() >= MAX_LIVE) {
            return;
        }
        long id = nextId++;
        kv.fork(parent.id, id);
        live.add(new Seq(id, parent.seed, parent.tokens.clone(), parent.fingerprints.clone(), parent.len, parent.computed));
    }

    private void finish(Seq s) {
        assertThat(kv.free(s.id)).isTrue();
        live.remove(s);
    }

    private void copyBlocks(int[] src, int[] dst) {
        assertThat(src).hasSameSizeAs(dst);
        for (int i = 0; i < src.length; i++) {
            assertThat(src[i]).isNotEqualTo(dst[i]);
            System.arraycopy(memory, src[i] * BS, memory, dst[i] * BS, BS);
        }
    }

    private void verify() {
        kv.checkInvariants();
        for (Seq s : live) {
            assertThat(kv.blockTable(s.id).length * BS).isGreaterThanOrEqualTo(s.computed);
            for (int p = 0; p < s.computed; p++) {
                if (memory[kv.slot(s.id, p)] != s.fingerprints[p]) {
                    throw new AssertionError("sequence " + s.id + " reads foreign K/V at position " + p);
                }
            }
        }
    }

    private int[] randomTokens(int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(1000);
        }
        return t;
    }
}
