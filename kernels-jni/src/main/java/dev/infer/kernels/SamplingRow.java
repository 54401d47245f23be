package dev.infer.kernels;

/**
 * One row to sample.
 *
 * @param uniform the row's random number in [0, 1): the same number gives the same token in every implementation
 */
public record SamplingRow(SamplingSettings settings, Penalties penalties, double uniform) {
    public SamplingRow {
        if (!(uniform >= 0 && uniform < 1)) {
            throw new IllegalArgumentException("uniform must be in [0, 1), got " + uniform);
        }
    }
}
