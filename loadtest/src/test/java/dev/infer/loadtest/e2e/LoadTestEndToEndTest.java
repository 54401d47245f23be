package dev.infer.loadtest.e2e;

import dev.infer.loadtest.dataset.LengthSpec;
import dev.infer.loadtest.dataset.RandomDataset;
import dev.infer.loadtest.dataset.TokenText;
import dev.infer.loadtest.metrics.Outcome;
import dev.infer.loadtest.metrics.RequestRecord;
import dev.infer.loadtest.report.LevelResult;
import dev.infer.loadtest.report.ResultFile;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.tokenizer.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness's command line against our real server on loopback (tinystories-656k): a concurrency sweep over
 * HTTP producing the JSON result and the HTML report, and gRPC with mid-stream cancellations.
 */
@Timeout(120)
class LoadTestEndToEndTest {
    private static final String MODEL = "tinystories-656k";
    private static Path modelDir;
    private static LoopbackServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        System.setProperty("java.awt.headless", "true");
        modelDir = SharedModels.model(MODEL);
        server = LoopbackServer.start(modelDir, "tiny");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static int run(String... args) {
        return dev.infer.loadtest.cli.MainAccess.execute(args);
    }

    @Test
    void httpConcurrencySweepWritesResultAndReport(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("sweep.json");
        Path html = dir.resolve("sweep.html");
        int rc = run("run", "--base-url", server.baseUrl(), "--model", "tiny", "--tokenizer", modelDir.toString(),
                "--concurrency", "1,4,16,64", "--num-requests", "64", "--input-len", "16:48", "--output-len", "8",
                "--ignore-eos", "--temperature", "0", "--seed", "3", "--slo", "ttft:10s tpot:5s",
                "--duration", "60s", "--request-timeout", "30s", "--no-progress", "--label", "ours",
                "--result", json.toString(), "--html", html.toString());
        assertThat(rc).isZero();
        ResultFile result = ResultFile.read(json);
        assertThat(result.command()).startsWith("loadtest run --base-url " + server.baseUrl());
        assertThat(result.levels()).extracting(LevelResult::label)
                .containsExactly("concurrency 1", "concurrency 4", "concurrency 16", "concurrency 64");
        List<RequestRecord> firstLevel = result.levels().getFirst().requests();
        try (TextTokenizer tok = TextTokenizer.load(modelDir)) {
            RandomDataset same = new RandomDataset(new TokenText(tok), LengthSpec.parse("16:48"), LengthSpec.parse("8"), 3);
            for (RequestRecord r : firstLevel) {
                // The server's own prompt count equals the length the dataset asked for: prompts are exact.
                assertThat(r.promptTokens()).isEqualTo(same.conversation(r.session()).turns().getFirst().inputTokens());
            }
        }
        for (LevelResult level : result.levels()) {
            assertThat(level.requests()).hasSize(64).allMatch(RequestRecord::ok);
            // 8 tokens each (server usage); a chunk may carry two when the server held back a partial character.
            assertThat(level.requests()).allMatch(r -> r.outputTokens() == 8 && r.chunkMs().length >= 1
                    && r.chunkMs().length <= 8);
            assertThat(level.summary().peakConcurrency()).isBetween(1, (int) level.level().value());
            assertThat(level.summary().outputTokens()).isEqualTo(64 * 8);
            assertThat(level.summary().goodRequests()).isEqualTo(64);
            assertThat(level.summary().queueReported()).isFalse(); // HTTP does not report queue time
        }
        assertThat(result.levels().getFirst().summary().peakConcurrency()).isEqualTo(1);
        assertThat(result.levels().getLast().summary().peakConcurrency()).isGreaterThan(16);
        String page = Files.readString(html);
        // 4 CDFs, 4 sweep charts, 1 tokens-over-time chart.
        assertThat(page.split("data:image/png;base64,", -1)).hasSize(10);
        assertThat(page).contains("concurrency 64", "Time per output token", "not reported");
    }

    @Test
    void grpcReportsQueueTimeAndCancelsMidStream(@TempDir Path dir) {
        Path json = dir.resolve("grpc.json");
        int rc = run("run", "--backend", "grpc", "--grpc-address", server.grpcAddress(), "--tokenizer",
                modelDir.toString(), "--request-rate", "200", "--burstiness", "0.5", "--max-concurrency", "8",
                "--num-requests", "40", "--input-len", "24", "--output-len", "16", "--ignore-eos",
                "--cancel-fraction", "0.5", "--warmup", "2", "--duration", "60s", "--no-progress",
                "--result", json.toString());
        assertThat(rc).isZero();
        LevelResult level = ResultFile.read(json).levels().getFirst();
        assertThat(level.requests()).hasSize(40);
        List<RequestRecord> cancelled = level.requests().stream().filter(r -> r.outcome() == Outcome.CANCELLED).toList();
        List<RequestRecord> ok = level.requests().stream().filter(RequestRecord::ok).toList();
        assertThat(cancelled).isNotEmpty();
        assertThat(cancelled.size() + ok.size()).isEqualTo(40);
        assertThat(cancelled).allMatch(r -> r.chunkMs().length >= 1 && r.chunkMs().length <= 8);
        assertThat(ok).allMatch(r -> r.outputTokens() == 16 && r.promptTokens() == 24 && r.queueMs() != null);
        assertThat(level.summary().queueReported()).isTrue();
        assertThat(level.summary().peakConcurrency()).isBetween(1, 8);
    }

    @Test
    void aWallTimeLimitEndsTheRun(@TempDir Path dir) {
        Path json = dir.resolve("short.json");
        long t0 = System.nanoTime();
        int rc = run("run", "--base-url", server.baseUrl(), "--tokenizer", modelDir.toString(), "--concurrency", "2",
                "--num-requests", "0", "--duration", "1500ms", "--input-len", "8", "--output-len", "4",
                "--no-progress", "--result", json.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(rc).isZero();
        assertThat(seconds).isLessThan(10);
        LevelResult level = ResultFile.read(json).levels().getFirst();
        assertThat(level.requests()).isNotEmpty();
        assertThat(level.requests()).allMatch(r -> r.endRunMs() <= 1500 + 250);
    }
}
