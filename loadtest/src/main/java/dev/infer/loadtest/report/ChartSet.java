package dev.infer.loadtest.report;

import dev.infer.loadtest.load.LoadLevel;
import dev.infer.loadtest.metrics.RequestRecord;
import dev.infer.loadtest.metrics.RunSummary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The report's charts, as titled base64 PNGs: latency CDFs (one line per file and level), throughput and p99
 * TTFT against the swept concurrency or rate (one line per file), and output tokens over time per file.
 */
final class ChartSet {
    private static final int CDF_POINTS = 400;

    private ChartSet() {
    }

    static Map<String, String> render(List<ResultFile> files) {
        Map<String, String> charts = new LinkedHashMap<>();
        charts.put("TTFT CDF", cdf(files, "TTFT", r -> new double[] {r.ttftMs()}));
        charts.put("TPOT CDF", cdf(files, "TPOT", r -> new double[] {r.tpotMs()}));
        charts.put("ITL CDF", cdf(files, "ITL", RequestRecord::itlMs));
        charts.put("E2E latency CDF", cdf(files, "E2E", r -> new double[] {r.endMs()}));
        if (files.stream().anyMatch(f -> f.levels().size() > 1)) {
            charts.put("Output token throughput vs load", sweep(files, "Output token throughput", "tokens/s",
                    RunSummary::outputThroughput));
            charts.put("Request throughput vs load", sweep(files, "Request throughput", "requests/s",
                    RunSummary::requestThroughput));
            charts.put("p99 TTFT vs load", sweep(files, "p99 TTFT", "ms", s -> s.ttftMs().p99()));
            charts.put("Median TPOT vs load", sweep(files, "Median TPOT", "ms", s -> s.tpotMs().median()));
        }
        for (ResultFile f : files) {
            charts.put("Output tokens over time: " + f.label(), TokenTimeline.chart(f));
        }
        return charts;
    }

    private static String cdf(List<ResultFile> files, String measure, Function<RequestRecord, double[]> values) {
        List<Charts.Series> series = new ArrayList<>();
        for (ResultFile f : files) {
            for (LevelResult l : f.levels()) {
                double[] all = l.requests().stream().filter(RequestRecord::ok)
                        .flatMapToDouble(r -> java.util.Arrays.stream(values.apply(r))).toArray();
                series.add(Charts.cdf(name(files, f, l), all, CDF_POINTS));
            }
        }
        return Charts.png(measure + " CDF", measure + " (ms)", "fraction of " + measure + " values", series,
                false, true, true);
    }

    private static String sweep(List<ResultFile> files, String title, String unit, ToDoubleFunction<RunSummary> f) {
        List<Charts.Series> series = new ArrayList<>();
        String axis = "load";
        for (ResultFile file : files) {
            List<LevelResult> levels = file.levels();
            double[] x = levels.stream().mapToDouble(l -> l.level().value()).toArray();
            double[] y = levels.stream().mapToDouble(l -> f.applyAsDouble(l.summary())).toArray();
            series.add(new Charts.Series(file.label(), x, y));
            if (!levels.isEmpty()) {
                axis = levels.getFirst().level().kind() == LoadLevel.Kind.CONCURRENCY ? "concurrency (clients)"
                        : "request rate (req/s)";
            }
        }
        return Charts.png(title + " vs " + axis, axis, unit, series, true, true);
    }

    /** "level" alone for one file, "file · level" when comparing. */
    static String name(List<ResultFile> files, ResultFile f, LevelResult l) {
        return files.size() == 1 ? l.label() : f.label() + " · " + l.label();
    }
}
