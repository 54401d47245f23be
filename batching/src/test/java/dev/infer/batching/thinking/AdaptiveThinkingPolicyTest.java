package dev.infer.batching.thinking;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The adaptive load policy on a simulated clock and queue: shrink under load, hold, grow back, never flap. */
class AdaptiveThinkingPolicyTest {
    private static final long MS = 1_000_000L;
    private final AdaptiveThinkingPolicy policy = new AdaptiveThinkingPolicy(new AdaptiveThinkingPolicy.Settings(
            8, Duration.ofMillis(500), Duration.ofMillis(100), 0.5, 0.25));
    private long now = 1_000 * MS;

    /** Steps every 10 ms for {@code ms} with this queue. */
    private void run(int ms, int waiting) {
        for (int t = 0; t < ms; t += 10) {
            now += 10 * MS;
            policy.onStep(now, waiting);
        }
    }

    @Test
    void aLongQueueHalvesTheScaleEachIntervalDownToZero() {
        policy.onStep(now, 0);
        run(100, 9);
        assertThat(policy.scale()).isEqualTo(0.5);
        run(100, 9);
        assertThat(policy.scale()).isEqualTo(0.25);
        run(1000, 9);
        assertThat(policy.scale()).isZero();
    }

    @Test
    void aQuietServerGrowsBackStepByStepAndAnInBetweenLoadHolds() {
        policy.onStep(now, 0);
        run(300, 20);
        assertThat(policy.scale()).isEqualTo(0.125);
        run(200, 6); // below the threshold, above half of it: hold
        assertThat(policy.scale()).isEqualTo(0.125);
        run(100, 4);
        assertThat(policy.scale()).isEqualTo(0.375);
        run(1000, 0);
        assertThat(policy.scale()).isEqualTo(1);
        assertThat(policy.adjustments()).isEqualTo(3 + 4);
    }

    @Test
    void slowFirstTokensShrinkTheScaleEvenWithAnEmptyQueue() {
        policy.onStep(now, 0);
        policy.onFirstToken(400 * MS);
        policy.onFirstToken(800 * MS); // mean 600 ms > 500 ms
        run(100, 0);
        assertThat(policy.scale()).isEqualTo(0.5);
        policy.onFirstToken(300 * MS); // 300 ms: below the threshold, not below half of it
        run(100, 0);
        assertThat(policy.scale()).isEqualTo(0.5);
        run(100, 0); // no first token in this interval: nothing is slow
        assertThat(policy.scale()).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void theFixedPolicyNeverScales() {
        ThinkingLoadPolicy fixed = ThinkingLoadPolicy.fixed();
        fixed.onStep(0, 1_000_000);
        fixed.onFirstToken(Long.MAX_VALUE / 2);
        assertThat(fixed.scale()).isEqualTo(1);
    }
}
