package dev.infer.loadtest.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One load level: a fixed number of clients each sending its next request as soon as its last one ends
 * ({@link Kind#CONCURRENCY}), or an open-loop arrival rate in requests per second ({@link Kind#RATE}; "inf"
 * sends all at once), optionally capped at {@code maxConcurrency} requests in flight.
 */
public record LoadLevel(Kind kind, double value, double burstiness, int maxConcurrency) {
    public enum Kind { CONCURRENCY, RATE }

    public LoadLevel {
        if (!(value > 0)) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + " must be > 0, got " + value);
        }
        if (kind == Kind.CONCURRENCY && (value != Math.rint(value) || Double.isInfinite(value))) {
            throw new IllegalArgumentException("concurrency must be a whole number, got " + value);
        }
    }

    public static LoadLevel concurrency(int clients) {
        return new LoadLevel(Kind.CONCURRENCY, clients, 1, clients);
    }

    public static LoadLevel rate(double perSecond, double burstiness, int maxConcurrency) {
        return new LoadLevel(Kind.RATE, perSecond, burstiness, maxConcurrency);
    }

    /** Parses a comma-separated sweep such as {@code 1,4,16,64} (rates may be {@code inf}). */
    public static List<LoadLevel> sweep(Kind kind, String values, double burstiness, int maxConcurrency) {
        List<LoadLevel> levels = new ArrayList<>();
        for (String v : values.split(",")) {
            String t = v.trim();
            if (kind == Kind.CONCURRENCY) {
                levels.add(concurrency(Integer.parseInt(t)));
            } else {
                double rate = t.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(t);
                levels.add(rate(rate, burstiness, maxConcurrency));
            }
        }
        return levels;
    }

    public int clients() {
        return kind == Kind.CONCURRENCY ? (int) value : maxConcurrency;
    }

    /** "concurrency 4" or "rate 2.5/s". */
    public String label() {
        return kind == Kind.CONCURRENCY ? "concurrency " + (int) value
                : "rate " + (Double.isInfinite(value) ? "inf" : dev.infer.loadtest.metrics.Format.number(value)) + "/s";
    }
}
