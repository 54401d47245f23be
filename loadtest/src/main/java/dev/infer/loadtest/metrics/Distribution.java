package dev.infer.loadtest.metrics;

import java.util.Arrays;

/**
 * Summary statistics of one measure over a run. Percentiles interpolate linearly between the closest ranks
 * (numpy's default, which vLLM's benchmark uses): for sorted values x[0..n-1], p lies at rank h = (n−1)·p/100
 * and is x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). An empty sample gives count 0 and NaN everywhere.
 */
public record Distribution(int count, double mean, double median, double p90, double p95, double p99, double min,
                           double max) {

    public static Distribution of(double[] values) {
        double[] x = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (x.length == 0) {
            return new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN);
        }
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return new Distribution(x.length, sum / x.length, percentile(x, 50), percentile(x, 90), percentile(x, 95),
                percentile(x, 99), x[0], x[x.length - 1]);
    }

    /** The p-th percentile (0..100) of already sorted, non-empty values. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0 || p < 0 || p > 100) {
            throw new IllegalArgumentException("need values and p in [0, 100], got " + sorted.length + " values, p=" + p);
        }
        double h = (sorted.length - 1) * p / 100.0;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
