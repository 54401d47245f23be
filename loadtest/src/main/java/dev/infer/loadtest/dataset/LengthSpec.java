package dev.infer.loadtest.dataset;

import java.util.random.RandomGenerator;

/** A token length: fixed ({@code 128}) or uniform over an inclusive range ({@code 64:256}). */
public record LengthSpec(int min, int max) {
    public LengthSpec {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("length range must satisfy 1 <= min <= max, got " + min + ":" + max);
        }
    }

    public static LengthSpec parse(String spec) {
        String[] parts = spec.trim().split(":");
        try {
            if (parts.length == 1) {
                int n = Integer.parseInt(parts[0]);
                return new LengthSpec(n, n);
            }
            if (parts.length == 2) {
                return new LengthSpec(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("length '" + spec + "' is not N or MIN:MAX");
    }

    public int sample(RandomGenerator rng) {
        return min == max ? min : rng.nextInt(min, max + 1);
    }

    @Override
    public String toString() {
        return min == max ? Integer.toString(min) : min + ":" + max;
    }
}
