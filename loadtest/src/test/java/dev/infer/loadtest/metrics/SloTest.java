package dev.infer.loadtest.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SloTest {
    @Test
    void parsesUnitsAndNames() {
        Slo slo = Slo.parse("ttft:500ms tpot:0.05s,e2el:2 itl:30ms");
        assertThat(slo.bounds()).containsExactly(new Slo.Bound(Slo.Measure.TTFT, 500),
                new Slo.Bound(Slo.Measure.TPOT, 50), new Slo.Bound(Slo.Measure.E2E, 2),
                new Slo.Bound(Slo.Measure.ITL, 30));
        assertThat(slo).hasToString("ttft:500ms tpot:50ms e2e:2ms itl:30ms");
    }

    @Test
    void requestMeetsOnlyWhenEveryBoundHolds() {
        Slo slo = Slo.parse("ttft:100ms tpot:50ms");
        // TTFT 100, TPOT (300 - 100) / 4 = 50: both at the bound.
        assertThat(slo.met(RequestRecordTest.ok(0, 0, 300, 5, 100, 150, 200, 250, 300))).isTrue();
        // TTFT 101 misses.
        assertThat(slo.met(RequestRecordTest.ok(0, 0, 301, 5, 101, 150, 200, 250, 301))).isFalse();
        // TPOT (400 - 100) / 4 = 75 misses.
        assertThat(slo.met(RequestRecordTest.ok(0, 0, 400, 5, 100, 150, 200, 250, 400))).isFalse();
    }

    @Test
    void itlBoundsTheLargestGap() {
        Slo slo = Slo.parse("itl:60ms");
        assertThat(slo.met(RequestRecordTest.ok(0, 0, 210, 3, 100, 160, 210))).isTrue();
        assertThat(slo.met(RequestRecordTest.ok(0, 0, 220, 3, 100, 161, 220))).isFalse();
    }

    @Test
    void failedRequestsNeverMeet() {
        RequestRecord failed = new RequestRecord(0, 0, 0, 0, new double[0], 5, 0, 0, 0, Outcome.ERROR, "500", "x",
                null);
        assertThat(Slo.NONE.met(failed)).isFalse();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> Slo.parse("ttft")).hasMessageContaining("measure:value");
        assertThatThrownBy(() -> Slo.parse("foo:1ms")).hasMessageContaining("unknown SLO measure");
        assertThatThrownBy(() -> Slo.parse("ttft:-1ms")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Slo.parse("ttft:fast")).hasMessageContaining("not a duration");
    }
}
