package dev.infer.loadtest.report;

import dev.infer.loadtest.metrics.Distribution;
import dev.infer.loadtest.metrics.RunSummary;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import static dev.infer.loadtest.metrics.Format.number;

/** The end-of-run console summary: a block per level, then one line per level for sweeps. */
public final class ConsoleSummary {
    private ConsoleSummary() {
    }

    public static void print(PrintStream out, ResultFile result) {
        for (LevelResult level : result.levels()) {
            printLevel(out, level, result.config().getOrDefault("slo", ""));
        }
        if (result.levels().size() > 1) {
            printSweep(out, result.levels());
        }
    }

    static void printLevel(PrintStream out, LevelResult level, String slo) {
        RunSummary s = level.summary();
        out.println("==================== " + level.label() + " ====================");
        row(out, "Requests (ok / failed / cancelled / timed out)", s.completed() + " / " + s.failed() + " / "
                + s.cancelled() + " / " + s.timedOut());
        row(out, "Duration (s)", number(s.durationS()));
        row(out, "Prompt / output tokens", s.promptTokens() + " / " + s.outputTokens());
        row(out, "Request throughput (req/s)", number(s.requestThroughput()));
        row(out, "Output token throughput (tok/s)", number(s.outputThroughput()));
        row(out, "Total token throughput (tok/s)", number(s.totalThroughput()));
        row(out, "Peak concurrency", Integer.toString(s.peakConcurrency()));
        if (!slo.isBlank()) {
            row(out, "Goodput (req/s) under " + slo, number(s.goodput()) + " (" + s.goodRequests() + " good)");
        }
        out.println(String.format(Locale.ROOT, "%-12s %10s %10s %10s %10s %10s", "(ms)", "mean", "median", "p90",
                "p95", "p99"));
        stats(out, "TTFT", s.ttftMs());
        stats(out, "TPOT", s.tpotMs());
        stats(out, "ITL", s.itlMs());
        stats(out, "E2E", s.e2eMs());
        if (s.queueReported()) {
            stats(out, "Queue", s.queueMs());
        } else {
            row(out, "Queue time", "not reported by the server");
        }
        if (!s.errorsByStatus().isEmpty()) {
            row(out, "Errors by status", s.errorsByStatus().toString());
        }
        if (s.requestsWithReasoning() > 0) {
            row(out, "Thinking / answer chunks", s.reasoningChunks() + " / " + s.answerChunks());
        }
    }

    static void printSweep(PrintStream out, List<LevelResult> levels) {
        out.println("==================== sweep ====================");
        out.println(String.format(Locale.ROOT, "%-18s %6s %9s %10s %10s %11s %11s %11s", "level", "ok", "req/s",
                "out tok/s", "tot tok/s", "p50 TTFT", "p99 TTFT", "p50 TPOT"));
        for (LevelResult l : levels) {
            RunSummary s = l.summary();
            out.println(String.format(Locale.ROOT, "%-18s %6d %9s %10s %10s %11s %11s %11s", l.label(), s.completed(),
                    number(s.requestThroughput()), number(s.outputThroughput()), number(s.totalThroughput()),
                    number(s.ttftMs().median()), number(s.ttftMs().p99()), number(s.tpotMs().median())));
        }
    }

    private static void stats(PrintStream out, String name, Distribution d) {
        out.println(String.format(Locale.ROOT, "%-12s %10s %10s %10s %10s %10s", name, number(d.mean()),
                number(d.median()), number(d.p90()), number(d.p95()), number(d.p99())));
    }

    private static void row(PrintStream out, String name, String value) {
        out.println(String.format(Locale.ROOT, "%-48s %s", name, value));
    }
}
