package dev.infer.loadtest.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Service-level objectives for goodput, e.g. {@code ttft:500ms tpot:50ms}: a completed request is "good" when
 * every named measure is at or under its bound. Measures: {@code ttft}, {@code tpot}, {@code e2e} (alias
 * {@code e2el}) and {@code itl} (its largest gap between chunks). Bounds take {@code ms} or {@code s}; a bare
 * number is milliseconds.
 */
public record Slo(List<Bound> bounds) {
    public Slo {
        bounds = List.copyOf(bounds);
    }

    public static final Slo NONE = new Slo(List.of());

    public enum Measure { TTFT, TPOT, E2E, ITL }

    public record Bound(Measure measure, double limitMs) {
        @Override
        public String toString() {
            return measure.name().toLowerCase(Locale.ROOT) + ":" + Format.number(limitMs) + "ms";
        }
    }

    /** Parses space- or comma-separated {@code measure:value} terms. */
    public static Slo parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        List<Bound> bounds = new ArrayList<>();
        for (String term : spec.trim().split("[\\s,]+")) {
            int colon = term.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("SLO term '" + term + "' is not measure:value (e.g. ttft:500ms)");
            }
            bounds.add(new Bound(measure(term.substring(0, colon)), millis(term.substring(colon + 1))));
        }
        return new Slo(bounds);
    }

    /** Whether a completed request meets every bound; requests that did not complete never do. */
    public boolean met(RequestRecord r) {
        if (!r.ok()) {
            return false;
        }
        for (Bound b : bounds) {
            double v = value(r, b.measure);
            // A measure a request cannot have (TPOT of a one-token answer, ITL of one chunk) does not fail it.
            if (!Double.isNaN(v) && v > b.limitMs) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return bounds.isEmpty();
    }

    @Override
    public String toString() {
        return String.join(" ", bounds.stream().map(Bound::toString).toList());
    }

    private static double value(RequestRecord r, Measure m) {
        return switch (m) {
            case TTFT -> r.ttftMs();
            case TPOT -> r.tpotMs();
            case E2E -> r.endMs();
            case ITL -> java.util.Arrays.stream(r.itlMs()).max().orElse(Double.NaN);
        };
    }

    private static Measure measure(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ttft" -> Measure.TTFT;
            case "tpot" -> Measure.TPOT;
            case "e2e", "e2el" -> Measure.E2E;
            case "itl" -> Measure.ITL;
            default -> throw new IllegalArgumentException("unknown SLO measure '" + name
                    + "' (use ttft, tpot, itl, e2e)");
        };
    }

    static double millis(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        double scale = 1;
        if (v.endsWith("ms")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
            scale = 1000;
        }
        double d;
        try {
            d = Double.parseDouble(v) * scale;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SLO value '" + value + "' is not a duration (e.g. 500ms, 0.5s)");
        }
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("SLO value '" + value + "' must be a positive duration");
        }
        return d;
    }
}
