package dev.infer.loadtest.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DistributionTest {
    @Test
    void percentilesInterpolateLikeNumpy() {
        // numpy.percentile(range(1, 11), [50, 90, 95, 99]) == [5.5, 9.1, 9.55, 9.91]
        Distribution d = Distribution.of(new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
        assertThat(d.count()).isEqualTo(10);
        assertThat(d.mean()).isCloseTo(5.5, within(1e-12));
        assertThat(d.median()).isCloseTo(5.5, within(1e-12));
        assertThat(d.p90()).isCloseTo(9.1, within(1e-12));
        assertThat(d.p95()).isCloseTo(9.55, within(1e-12));
        assertThat(d.p99()).isCloseTo(9.91, within(1e-12));
        assertThat(d.min()).isEqualTo(1);
        assertThat(d.max()).isEqualTo(10);
    }

    @Test
    void oneValueIsEveryStatistic() {
        Distribution d = Distribution.of(new double[] {42});
        assertThat(d.median()).isEqualTo(42);
        assertThat(d.p99()).isEqualTo(42);
    }

    @Test
    void nanValuesAreLeftOutAndEmptyIsNan() {
        assertThat(Distribution.of(new double[] {Double.NaN, 3, 1}).mean()).isEqualTo(2);
        Distribution empty = Distribution.of(new double[] {Double.NaN});
        assertThat(empty.count()).isZero();
        assertThat(empty.mean()).isNaN();
        assertThat(empty.p99()).isNaN();
    }

    @Test
    void oddCountMedianIsTheMiddle() {
        assertThat(Distribution.of(new double[] {5, 1, 100}).median()).isEqualTo(5);
    }
}
