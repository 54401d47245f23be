package dev.infer.loadtest.load;

import java.util.random.RandomGenerator;

/**
 * Gamma(shape k, scale θ) draws by Marsaglia and Tsang's squeeze method (2000); for k &lt; 1 it draws
 * Gamma(k + 1) and scales by U^(1/k). Mean kθ, variance kθ².
 */
final class GammaSampler {
    private GammaSampler() {
    }

    static double sample(RandomGenerator rng, double shape, double scale) {
        if (!(shape > 0) || !(scale > 0)) {
            throw new IllegalArgumentException("gamma shape and scale must be > 0, got " + shape + ", " + scale);
        }
        if (shape < 1) {
            double u = rng.nextDouble();
            return sample(rng, shape + 1, scale) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v * scale;
            }
        }
    }
}
