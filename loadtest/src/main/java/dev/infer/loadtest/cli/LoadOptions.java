package dev.infer.loadtest.cli;

import dev.infer.loadtest.load.LoadLevel;
import dev.infer.loadtest.load.RunSettings;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/** The load shape (concurrency or rate, one value or a sweep) and the limits that end each level. */
final class LoadOptions {
    @Option(names = "--concurrency", description = "Closed-loop clients; a comma list sweeps, e.g. 1,4,16,64.")
    String concurrency;

    @Option(names = "--request-rate", description = "Open-loop arrivals per second; a comma list sweeps; inf sends "
            + "all at once.")
    String requestRate;

    @Option(names = "--burstiness", defaultValue = "1.0", description = "Gamma shape of inter-arrival times "
            + "(1 = Poisson; < 1 burstier; > 1 more regular). Default: ${DEFAULT-VALUE}.")
    double burstiness;

    @Option(names = "--max-concurrency", defaultValue = "0",
            description = "With --request-rate: cap on requests in flight (0: none). Default: ${DEFAULT-VALUE}.")
    int maxConcurrency;

    @Option(names = "--num-requests", defaultValue = "100", description = "Requests per level (0: until --duration); "
            + "a comma list gives one count per swept level. Default: ${DEFAULT-VALUE}.")
    String numRequests;

    @Option(names = "--duration", defaultValue = "10m",
            description = "Wall-time limit per level; running requests are abandoned at it. Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--request-timeout", defaultValue = "5m", description = "Per request. Default: ${DEFAULT-VALUE}.")
    String requestTimeout;

    @Option(names = "--warmup", defaultValue = "0",
            description = "Unrecorded requests before each level. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--cancel-fraction", defaultValue = "0",
            description = "Share of requests cancelled mid-stream (0..1). Default: ${DEFAULT-VALUE}.")
    double cancelFraction;

    List<LoadLevel> levels() {
        if ((concurrency == null) == (requestRate == null)) {
            throw new IllegalArgumentException("give exactly one of --concurrency and --request-rate");
        }
        if (requestRate != null && requestCounts(1).contains(0)
                && requestRate.toLowerCase(java.util.Locale.ROOT).contains("inf") && maxConcurrency == 0) {
            throw new IllegalArgumentException("--request-rate inf needs --num-requests or --max-concurrency");
        }
        return concurrency != null ? LoadLevel.sweep(LoadLevel.Kind.CONCURRENCY, concurrency, 1, 0)
                : LoadLevel.sweep(LoadLevel.Kind.RATE, requestRate, burstiness, maxConcurrency);
    }

    /** One {@link RunSettings} per level: the same limits except, with a comma list, the request count. */
    List<RunSettings> settings(int levels, boolean ignoreEos, long seed) {
        return requestCounts(levels).stream().map(n -> new RunSettings(n, DurationParser.parse(duration),
                DurationParser.parse(requestTimeout), warmup, cancelFraction, ignoreEos, seed)).toList();
    }

    private List<Integer> requestCounts(int levels) {
        List<Integer> counts = java.util.Arrays.stream(numRequests.split(",")).map(String::trim)
                .map(Integer::valueOf).toList();
        if (counts.size() == 1) {
            return java.util.Collections.nCopies(levels, counts.getFirst());
        }
        if (counts.size() != levels) {
            throw new IllegalArgumentException("--num-requests has " + counts.size() + " counts for " + levels
                    + " levels");
        }
        return counts;
    }

    void describe(Map<String, String> config) {
        config.put("load", concurrency != null ? "concurrency " + concurrency : "rate " + requestRate
                + " burstiness " + burstiness + (maxConcurrency > 0 ? " max-concurrency " + maxConcurrency : ""));
        config.put("num_requests", numRequests);
        config.put("duration", duration);
        config.put("request_timeout", requestTimeout);
        config.put("warmup", Integer.toString(warmup));
        config.put("cancel_fraction", Double.toString(cancelFraction));
    }
}
