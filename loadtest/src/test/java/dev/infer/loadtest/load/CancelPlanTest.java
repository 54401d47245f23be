package dev.infer.loadtest.load;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CancelPlanTest {
    @Test
    void picksTheFractionAndCutsWithinTheFirstHalf() {
        CancelPlan plan = new CancelPlan(0.25, 9);
        int[] after = IntStream.range(0, 40_000).map(i -> plan.cancelAfter(i, 64)).toArray();
        long picked = IntStream.of(after).filter(a -> a > 0).count();
        assertThat(picked / 40_000.0).isCloseTo(0.25, within(0.01));
        assertThat(IntStream.of(after).filter(a -> a > 0)).allMatch(a -> a >= 1 && a <= 32);
        assertThat(IntStream.of(after).filter(a -> a > 0).distinct().count()).isEqualTo(32);
    }

    @Test
    void reproducibleAndOffByDefault() {
        assertThat(new CancelPlan(0.5, 1).cancelAfter(17, 10)).isEqualTo(new CancelPlan(0.5, 1).cancelAfter(17, 10));
        assertThat(IntStream.range(0, 100).map(i -> new CancelPlan(0, 1).cancelAfter(i, 10))).containsOnly(0);
        assertThat(IntStream.range(0, 100).map(i -> new CancelPlan(1, 1).cancelAfter(i, 1))).containsOnly(1);
    }
}
