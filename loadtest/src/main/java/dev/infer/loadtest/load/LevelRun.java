package dev.infer.loadtest.load;

import dev.infer.loadtest.metrics.RequestRecord;

import java.time.Instant;
import java.util.List;

/** One level's outcome: what was asked, when it started (wall clock), and every request's record. */
public record LevelRun(LoadLevel level, Instant startedAt, List<RequestRecord> records) {
    public LevelRun {
        records = List.copyOf(records);
    }
}
