package dev.infer.kernels;

/** One pass over a row: its max, its smallest finite value, and whether any value is NaN. */
record RowStats(float max, float min, boolean nan) {
    static RowStats of(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        boolean nan = false;
        for (int i = 0; i < n; i++) {
            float v = x[i];
            nan |= v != v;
            max = v > max ? v : max;
            min = v < min && v != Float.NEGATIVE_INFINITY ? v : min;
        }
        return new RowStats(max, min, nan);
    }
}
