package dev.infer.loadtest.report;

import dev.infer.loadtest.load.LevelRun;
import dev.infer.loadtest.load.LoadLevel;
import dev.infer.loadtest.metrics.RequestRecord;
import dev.infer.loadtest.metrics.RunSummary;
import dev.infer.loadtest.metrics.Slo;
import dev.infer.loadtest.metrics.SummaryCalculator;

import java.util.List;

/** One level in a result file: the level, its summary, and every request's timeline. */
public record LevelResult(LoadLevel level, String label, String startedAt, RunSummary summary,
                          List<RequestRecord> requests) {
    public LevelResult {
        requests = List.copyOf(requests);
    }

    public static LevelResult of(LevelRun run, Slo slo) {
        return new LevelResult(run.level(), run.level().label(), run.startedAt().toString(),
                SummaryCalculator.summarize(run.records(), slo), run.records());
    }
}
