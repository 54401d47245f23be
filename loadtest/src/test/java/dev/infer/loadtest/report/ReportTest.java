package dev.infer.loadtest.report;

import dev.infer.loadtest.load.LevelRun;
import dev.infer.loadtest.load.LoadLevel;
import dev.infer.loadtest.metrics.Outcome;
import dev.infer.loadtest.metrics.RequestRecord;
import dev.infer.loadtest.metrics.Slo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Result files survive a JSON round trip, and the HTML report compares several side by side with its charts. */
class ReportTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** A synthetic level: n requests of 4 chunks spaced {@code gapMs} apart, queue time when asked. */
    static LevelRun level(LoadLevel level, int n, double gapMs, boolean queue) {
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double ttft = 20 + i;
            double[] chunks = {ttft, ttft + gapMs, ttft + 2 * gapMs, ttft + 3 * gapMs};
            records.add(new RequestRecord(i, i, 0, i * 10.0, chunks, chunks[3], 16, 4, 0, Outcome.OK, "200", null,
                    queue ? 1.0 + i : null));
        }
        records.add(new RequestRecord(n, n, 0, 0, new double[0], 3, 0, 0, 0, Outcome.ERROR, "429", "busy", null));
        return new LevelRun(level, Instant.parse("2026-11-24T00:00:00Z"), records);
    }

    static ResultFile file(String label, double gapMs, boolean queue) {
        List<LevelResult> levels = List.of(
                LevelResult.of(level(LoadLevel.concurrency(1), 10, gapMs, queue), Slo.parse("ttft:25ms")),
                LevelResult.of(level(LoadLevel.concurrency(4), 10, gapMs * 2, queue), Slo.parse("ttft:25ms")));
        return new ResultFile(ResultFile.TOOL, label, "2026-11-24T00:00:00Z", "loadtest run ...",
                Map.of("slo", "ttft:25ms"), Definitions.all(), levels);
    }

    @Test
    void jsonRoundTripKeepsEveryTimeline(@TempDir Path dir) {
        ResultFile f = file("a", 5, true);
        Path json = dir.resolve("a.json");
        f.write(json);
        ResultFile back = ResultFile.read(json);
        assertThat(back.levels()).hasSize(2);
        assertThat(back.levels().getFirst().requests()).isEqualTo(f.levels().getFirst().requests());
        assertThat(back.levels().getFirst().summary()).isEqualTo(f.levels().getFirst().summary());
        assertThat(back.levels().get(1).level()).isEqualTo(LoadLevel.concurrency(4));
        assertThat(back.definitions()).containsKeys("TTFT", "ITL", "TPOT", "E2E", "Goodput");
    }

    @Test
    void summaryComesFromTheRecords() {
        LevelResult l = file("a", 5, false).levels().getFirst();
        assertThat(l.summary().completed()).isEqualTo(10);
        assertThat(l.summary().errorsByStatus()).isEqualTo(Map.of("429", 1));
        assertThat(l.summary().tpotMs().median()).isEqualTo(5); // 3 gaps of 5 ms over 3 tokens after the first
        assertThat(l.summary().goodRequests()).isEqualTo(6); // TTFT 20..25
    }

    @Test
    void htmlComparesFilesSideBySideWithCharts() {
        String html = HtmlReport.render(List.of(file("server A", 5, true), file("server B", 8, false)));
        assertThat(html).contains("server A · concurrency 1", "server B · concurrency 4", "not reported",
                "Time to first token", "{429=1}");
        // 4 CDFs + 4 sweep charts + 2 tokens-over-time charts, each a PNG.
        assertThat(html.split("data:image/png;base64,iVBORw0KGgo", -1)).hasSize(11);
    }

    @Test
    void singleLevelFilesHaveNoSweepCharts() {
        ResultFile one = new ResultFile(ResultFile.TOOL, "x", "t", "c", Map.of(), Definitions.all(),
                List.of(LevelResult.of(level(LoadLevel.rate(2, 1, 0), 5, 3, false), Slo.NONE)));
        String html = HtmlReport.render(List.of(one));
        assertThat(html.split("data:image/png;base64,", -1)).hasSize(6);
        assertThat(html).contains("rate 2/s").doesNotContain("vs load");
    }
}
