package dev.infer.loadtest.load;

import java.time.Duration;

/**
 * Per-level limits and request options. A level stops issuing at {@code maxRequests} requests (0: no limit) or
 * at {@code maxDuration}, whichever comes first, and requests still running at {@code maxDuration} are
 * abandoned, so a level always ends by itself within {@code maxDuration} (+ a short join). {@code warmup}
 * requests go first and are not recorded.
 */
public record RunSettings(int maxRequests, Duration maxDuration, Duration requestTimeout, int warmup,
                          double cancelFraction, boolean ignoreEos, long seed) {
    public RunSettings {
        if (maxRequests < 0 || warmup < 0) {
            throw new IllegalArgumentException("request counts must be >= 0");
        }
        if (maxDuration.isNegative() || maxDuration.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("durations must be > 0");
        }
        if (cancelFraction < 0 || cancelFraction > 1) {
            throw new IllegalArgumentException("cancel fraction must be in [0, 1], got " + cancelFraction);
        }
    }
}
