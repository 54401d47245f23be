package dev.infer.loadtest.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ArrivalScheduleTest {
    private static double[] gaps(double rate, double burstiness, long seed, int n) {
        ArrivalSchedule s = new ArrivalSchedule(rate, burstiness, seed);
        double[] gaps = new double[n];
        double last = 0;
        for (int i = 0; i < n; i++) {
            double t = s.nextMs();
            gaps[i] = t - last;
            last = t;
        }
        return gaps;
    }

    private static double mean(double[] x) {
        return java.util.Arrays.stream(x).average().orElseThrow();
    }

    /** Squared coefficient of variation: 1/shape for a gamma distribution. */
    private static double cv2(double[] x) {
        double m = mean(x);
        double var = java.util.Arrays.stream(x).map(v -> (v - m) * (v - m)).sum() / (x.length - 1);
        return var / (m * m);
    }

    @Test
    void poissonGapsAreExponentialWithMeanOneOverRate() {
        double[] g = gaps(4, 1, 7, 200_000);
        assertThat(mean(g)).isCloseTo(250.0, within(2.5)); // 1 / 4 per second
        assertThat(cv2(g)).isCloseTo(1.0, within(0.03));
    }

    @Test
    void burstinessIsTheGammaShapeAndKeepsTheMean() {
        double[] bursty = gaps(10, 0.25, 3, 200_000);
        assertThat(mean(bursty)).isCloseTo(100.0, within(2.0));
        assertThat(cv2(bursty)).isCloseTo(4.0, within(0.2)); // 1 / 0.25
        double[] regular = gaps(10, 4, 3, 200_000);
        assertThat(mean(regular)).isCloseTo(100.0, within(1.0));
        assertThat(cv2(regular)).isCloseTo(0.25, within(0.01));
    }

    @Test
    void sameSeedSameSchedule() {
        assertThat(gaps(3, 0.5, 11, 100)).containsExactly(gaps(3, 0.5, 11, 100));
        assertThat(gaps(3, 0.5, 11, 100)).isNotEqualTo(gaps(3, 0.5, 12, 100));
    }

    @Test
    void infiniteRateSendsAtOnce() {
        assertThat(gaps(Double.POSITIVE_INFINITY, 1, 0, 5)).containsOnly(0.0);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new ArrivalSchedule(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArrivalSchedule(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
