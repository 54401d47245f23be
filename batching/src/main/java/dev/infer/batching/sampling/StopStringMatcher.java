package dev.infer.batching.sampling;

import java.util.List;

/**
 * Finds stop strings in streamed text, across token boundaries, and keeps them out of the output. Each call gets the
 * text a new token added and returns the text that is safe to send now. A tail that could still grow into a stop
 * string (the longest suffix of the pending text that is a proper prefix of some stop string) is held back until
 * the next text shows it cannot; when a stop string completes, only the text before it is returned and
 * {@link #matched()} names it. If several complete in the same text, the one that ends first wins (the one a
 * character-by-character stream would meet first), so the result does not depend on how text splits into tokens;
 * on equal ends, the longer one.
 *
 * <p>min_tokens: as in vLLM, stop strings only count once more than min_tokens tokens exist; the caller says so per
 * call ({@link StopChecker#stopStringsActive()}). Before that the text is still held back the same way, so a stop
 * string that starts early and completes later is still found.
 */
public final class StopStringMatcher {
    private final List<String> stops;
    private final int longestStop;
    private final StringBuilder held = new StringBuilder();
    private String matched;

    public StopStringMatcher(List<String> stops) {
        for (String s : stops) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop: stop strings must not be empty");
            }
        }
        this.stops = List.copyOf(stops);
        this.longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds a token's text; returns what may be emitted now (possibly ""). Nothing more is accepted after a match. */
    public String append(String delta) {
        return append(delta, true);
    }

    /** Like {@link #append(String)}, but when {@code stopsActive} is false (min_tokens not yet passed) nothing matches. */
    public String append(String delta, boolean stopsActive) {
        if (matched != null) {
            throw new IllegalStateException("stop string \"" + matched + "\" already matched");
        }
        held.append(delta);
        int matchStart = -1;
        int matchEnd = Integer.MAX_VALUE;
        for (String stop : stopsActive ? stops : List.<String>of()) {
            int at = held.indexOf(stop); // the first occurrence is also the one that ends first
            if (at >= 0 && (at + stop.length() < matchEnd || (at + stop.length() == matchEnd && at < matchStart))) {
                matchStart = at;
                matchEnd = at + stop.length();
                matched = stop;
            }
        }
        if (matched != null) {
            String out = held.substring(0, matchStart);
            held.setLength(0);
            return out;
        }
        int keep = heldBackLength();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Releases the held-back tail when the sequence ends some other way (EOS, length). */
    public String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /** The stop string that ended the text, or null. */
    public String matched() {
        return matched;
    }

    /** Length of the longest suffix of the held text that some stop string starts with (shorter than that stop). */
    private int heldBackLength() {
        for (int len = Math.min(held.length(), longestStop - 1); len > 0; len--) {
            int from = held.length() - len;
            for (String stop : stops) {
                if (stop.length() > len && regionMatches(from, stop, len)) {
                    return len;
                }
            }
        }
        return 0;
    }

    private boolean regionMatches(int from, String stop, int len) {
        for (int i = 0; i < len; i++) {
            if (held.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
