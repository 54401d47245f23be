package dev.infer.loadtest.load;

import java.util.SplittableRandom;

/**
 * Which requests to cancel mid-stream, and when: request i is picked with probability {@code fraction} and then
 * cancelled after a number of output chunks uniform in [1, max(1, max_tokens / 2)], so that it is cut while
 * streaming. Decided by (seed, i) alone: reproducible whatever the timing.
 */
public final class CancelPlan {
    private final double fraction;
    private final long seed;

    public CancelPlan(double fraction, long seed) {
        this.fraction = fraction;
        this.seed = seed;
    }

    /** Chunks after which to cancel request {@code index}, or 0 to let it finish. */
    public int cancelAfter(int index, int maxTokens) {
        if (fraction == 0) {
            return 0;
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x2545F4914F6CDD1DL + index);
        if (rng.nextDouble() >= fraction) {
            return 0;
        }
        return rng.nextInt(1, Math.max(1, maxTokens / 2) + 1);
    }
}
