package dev.infer.loadtest.cli;

import java.time.Duration;
import java.util.Locale;

/** Durations on the command line: {@code 500ms}, {@code 30s}, {@code 5m}; a bare number is seconds. */
final class DurationParser {
    private DurationParser() {
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
            }
            String s = t.endsWith("s") ? t.substring(0, t.length() - 1) : t;
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 30s, 5m)");
        }
    }
}
