package dev.infer.loadtest.load;

import java.util.SplittableRandom;

/**
 * Request start times for a target rate, with vLLM's {@code --burstiness} semantics: the gaps between arrivals
 * are Gamma(shape = burstiness, scale = 1 / (rate · burstiness)), so their mean is 1/rate whatever the
 * burstiness. Burstiness 1 is a Poisson process (exponential gaps); below 1 is burstier, above 1 more regular.
 * An infinite rate sends everything at once. Seeded: the same seed gives the same schedule.
 */
public final class ArrivalSchedule {
    private final double rate;
    private final double burstiness;
    private final SplittableRandom rng;
    private double nextMs;

    public ArrivalSchedule(double ratePerSecond, double burstiness, long seed) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("request rate must be > 0, got " + ratePerSecond);
        }
        if (!(burstiness > 0)) {
            throw new IllegalArgumentException("burstiness must be > 0, got " + burstiness);
        }
        this.rate = ratePerSecond;
        this.burstiness = burstiness;
        this.rng = new SplittableRandom(seed);
    }

    /** The next arrival, in milliseconds from the start of the run (the first arrival is one gap after 0). */
    public double nextMs() {
        if (Double.isInfinite(rate)) {
            return 0;
        }
        nextMs += GammaSampler.sample(rng, burstiness, 1.0 / (rate * burstiness)) * 1000.0;
        return nextMs;
    }
}
