package dev.infer.batching.sampling;

import java.util.Arrays;

/**
 * How often each token id occurred: an open-addressing int→int map. Penalties touch only the ids that occurred,
 * so a few hundred distinct ids cost a few hundred updates per step instead of a pass over a 150k vocabulary, and a
 * request holds kilobytes instead of a vocabulary-sized count array.
 */
final class TokenCounts {
    private static final int EMPTY = -1;

    private int[] keys;
    private int[] counts;
    private int size;

    TokenCounts(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new int[capacity];
        counts = new int[capacity];
        Arrays.fill(keys, EMPTY);
    }

    void increment(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token ids are >= 0, got " + id);
        }
        int slot = slotOf(id);
        if (keys[slot] == EMPTY) {
            keys[slot] = id;
            if (++size * 2 > keys.length) {
                grow();
                slot = slotOf(id);
            }
        }
        counts[slot]++;
    }

    int get(int id) {
        int slot = slotOf(id);
        return keys[slot] == EMPTY ? 0 : counts[slot];
    }

    int size() {
        return size;
    }

    /** Slots run 0..capacity(); {@link #keyAt} is -1 for an empty slot. Lets callers iterate without boxing. */
    int capacity() {
        return keys.length;
    }

    int keyAt(int slot) {
        return keys[slot];
    }

    int countAt(int slot) {
        return counts[slot];
    }

    private int slotOf(int id) {
        int mask = keys.length - 1;
        int slot = (id * 0x9E3779B9) >>> 7 & mask; // Fibonacci hashing spreads consecutive ids
        while (keys[slot] != EMPTY && keys[slot] != id) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new int[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = slotOf(oldKeys[i]);
                keys[slot] = oldKeys[i];
                counts[slot] = oldCounts[i];
            }
        }
    }
}
