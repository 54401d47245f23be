package dev.infer.server.cli;

import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} as an operator runs it: its own JVM, the start-up summary, real HTTP, and SIGTERM for a graceful
 * stop with a request still streaming.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    private static final Pattern SUMMARY = Pattern.compile("serving model=.* http=127\\.0\\.0\\.1:(\\d+) .*grpc=127\\.0\\.0\\.1:(\\d+)");

    @Test
    void servesUntilSigtermThenDrainsAndExits() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--model", SharedModels.model("tinystories-656k").toString(), "--served-model-name", "tiny",
                "--port", "0", "--grpc-port", "0", "--kv-cache-memory", "64MiB", "--shutdown-grace", "30")
                .redirectErrorStream(true).start();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Matcher> started = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> readLog(p, log, started));
        try {
            Matcher ports = started.get(120, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = URI.create("http://127.0.0.1:" + ports.group(1));
            assertThat(client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // a request still generating when SIGTERM arrives is allowed to finish within the grace period
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
                    base.resolve("/v1/completions")).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers
                    .ofString("{\"model\":\"tiny\",\"prompt\":\"Once upon a time\",\"max_tokens\":300,\"ignore_eos\":true}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            awaitRunning(client, base);
            // SIGTERM; Process.destroy() would also close our end of its output, and lose its last log lines
            p.toHandle().destroy();
            HttpResponse<String> finished = inFlight.get(60, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
            assertThat(finished.body()).contains("\"completion_tokens\":300");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after draining").isTrue();
            reader.join(10_000); // the log's last lines
            assertThat(String.join("\n", log)).contains("shutting down").doesNotContain("aborting");
        } finally {
            p.destroyForcibly();
        }
    }

    private static void awaitRunning(HttpClient client, URI base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String metrics = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (metrics.lines().anyMatch(l -> l.startsWith("vllm:num_requests_running") && !l.endsWith(" 0.0"))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the request never started running");
    }

    private static void readLog(Process p, List<String> log, CompletableFuture<Matcher> started) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.add(line);
                Matcher m = SUMMARY.matcher(line);
                if (m.find()) {
                    started.complete(m);
                }
            }
            started.completeExceptionally(new AssertionError("serve exited before starting:\n" + String.join("\n", log)));
        } catch (java.io.IOException e) {
            started.completeExceptionally(e);
        }
    }
}
