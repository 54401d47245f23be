package dev.infer.loadtest.dataset;

import java.util.SplittableRandom;

/** Independent, reproducible random streams per item: the item's stream depends only on (seed, salt, index). */
final class Seeds {
    private Seeds() {
    }

    static SplittableRandom forItem(long seed, long salt, int index) {
        // SplittableRandom's mixing makes neighbouring (seed, index) pairs independent streams.
        return new SplittableRandom(new SplittableRandom(seed ^ (salt * 0x9E3779B97F4A7C15L)).nextLong() + index);
    }
}
