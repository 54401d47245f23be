package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** /v1/completions with a list of prompts (vLLM's semantics) on tinystories-656k through a real server. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BatchedCompletionsHttpTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "The cat", "Tom and Lily went to the");
    private static final int N = 2;
    private static final int MAX_TOKENS = 12;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories", null,
                TestServer.smallCache());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String quoted(List<String> prompts) {
        return prompts.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    private static String body(String prompt, boolean stream) {
        return "{\"model\":\"tinystories\",\"prompt\":" + prompt + ",\"max_tokens\":" + MAX_TOKENS
                + ",\"temperature\":0,\"n\":" + N + ",\"stream\":" + stream
                + ",\"stream_options\":{\"include_usage\":true}}";
    }

    /** Each prompt on its own: the reference a batch must match. */
    private static List<JsonNode> singles() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String p : PROMPTS) {
            HttpResponse<String> r = server.post("/v1/completions", body("\"" + p + "\"", false));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            out.add(TestServer.json(r));
        }
        return out;
    }

    private static int sum(List<JsonNode> responses, String usageField) {
        return responses.stream().mapToInt(r -> r.at("/usage/" + usageField).asInt()).sum();
    }

    @Test
    void aBatchAnswersLikeItsPromptsOneByOne() throws Exception {
        List<JsonNode> singles = singles();
        HttpResponse<String> r = server.post("/v1/completions", body(quoted(PROMPTS), false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = TestServer.json(r);
        JsonNode choices = json.get("choices");
        assertThat(choices).hasSize(PROMPTS.size() * N);
        for (int i = 0; i < choices.size(); i++) {
            JsonNode c = choices.get(i);
            assertThat(c.get("index").asInt()).isEqualTo(i);
            assertThat(c.get("text").asText()).as("choice %d", i)
                    .isEqualTo(singles.get(i / N).at("/choices/" + (i % N) + "/text").asText());
        }
        assertThat(json.at("/usage/prompt_tokens").asInt()).isEqualTo(sum(singles, "prompt_tokens"));
        assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(sum(singles, "completion_tokens"));
        assertThat(json.at("/usage/total_tokens").asInt()).isEqualTo(sum(singles, "total_tokens"));
    }

    @Test
    void aStreamedBatchCarriesGlobalIndicesAndEndsAfterEveryChoice() throws Exception {
        List<JsonNode> singles = singles();
        HttpResponse<String> r = server.post("/v1/completions", body(quoted(PROMPTS), true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> events = SseEvents.parse(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder[] texts = IntStream.range(0, PROMPTS.size() * N).mapToObj(i -> new StringBuilder())
                .toArray(StringBuilder[]::new);
        String[] finish = new String[texts.length];
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = TestServer.JSON.readTree(e);
            assertThat(usage).as("the usage chunk comes last").isNull();
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode c = chunk.get("choices").get(0);
            int index = c.get("index").asInt();
            assertThat(finish[index]).as("nothing after choice %d finished", index).isNull();
            texts[index].append(c.get("text").asText());
            finish[index] = c.get("finish_reason").isNull() ? null : c.get("finish_reason").asText();
        }
        for (int i = 0; i < texts.length; i++) {
            assertThat(texts[i].toString()).as("choice %d", i)
                    .isEqualTo(singles.get(i / N).at("/choices/" + (i % N) + "/text").asText());
            assertThat(finish[i]).as("choice %d finished before [DONE]", i).isNotNull();
        }
        assertThat(usage).as("usage chunk").isNotNull();
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(sum(singles, "prompt_tokens"));
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(sum(singles, "completion_tokens"));
    }

    @Test
    void tokenIdPromptsAnswerLikeTheirText() throws Exception {
        List<int[]> ids = PROMPTS.stream().map(p -> server.served.model().tokenizer().encode(p)).toList();
        String prompt = ids.stream().map(Arrays::toString).collect(Collectors.joining(",", "[", "]"))
                .replace(" ", "");
        String byIds = body(prompt, false).replace("}}", "},\"return_token_ids\":true}");
        HttpResponse<String> r = server.post("/v1/completions", byIds);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode text = TestServer.json(server.post("/v1/completions", body(quoted(PROMPTS), false)));
        JsonNode choices = TestServer.json(r).get("choices");
        assertThat(choices).hasSize(PROMPTS.size() * N);
        for (int i = 0; i < choices.size(); i++) {
            JsonNode c = choices.get(i);
            assertThat(c.get("text").asText()).isEqualTo(text.at("/choices/" + i + "/text").asText());
            assertThat(c.get("prompt_token_ids").toString().replace(" ", ""))
                    .isEqualTo(Arrays.toString(ids.get(i / N)).replace(" ", ""));
            assertThat(c.get("token_ids")).isNotEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"Once\",[1,2]]", "[[1,2],\"Once\"]", "[\"Once\",5]", "[[1,2],3]", "[1,\"Once\"]",
            "[\"Once\",\"\"]", "[[1,2],[]]", "[[1,-2]]", "[\"Once\",null]", "[{}]", "[[]]", "[\"\"]", "{}"})
    void invalidPromptsAre400NamingPrompt(String prompt) throws Exception {
        HttpResponse<String> r = server.post("/v1/completions", "{\"prompt\":" + prompt + ",\"max_tokens\":2}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(TestServer.json(r).at("/error/param").asText()).isEqualTo("prompt");
    }

    @Test
    void moreThanTheMostPromptsIs400() throws Exception {
        List<String> many = java.util.Collections.nCopies(BatchedPrompts.MAX_PROMPTS + 1, "Once");
        HttpResponse<String> r = server.post("/v1/completions", "{\"prompt\":" + quoted(many) + ",\"max_tokens\":1}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(TestServer.json(r).at("/error/message").asText())
                .contains(String.valueOf(BatchedPrompts.MAX_PROMPTS));
        assertThat(TestServer.json(r).at("/error/param").asText()).isEqualTo("prompt");
    }

    @Test
    void aPromptTooLongRefusesTheBatchAndFreesTheOthers() throws Exception {
        String tooLong = IntStream.range(0, 600).mapToObj(i -> "1").collect(Collectors.joining(",", "[", "]"));
        String body = "{\"prompt\":[[1,2,3]," + tooLong + "],\"max_tokens\":400,\"ignore_eos\":true}";
        double aborted = aborted();
        HttpResponse<String> r = server.post("/v1/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(TestServer.json(r).at("/error/message").asText()).startsWith("prompt[1]: ")
                .contains("context length");
        awaitIdle();
        assertThat(abortedReaching(aborted + 1)).as("prompt 0 was cancelled, not run to its end")
                .isEqualTo(aborted + 1);
        assertThat(server.post("/v1/completions", body(quoted(PROMPTS), false)).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesEveryPromptsBlocks() throws Exception {
        String body = "{\"prompt\":" + quoted(PROMPTS) + ",\"max_tokens\":400,\"ignore_eos\":true,\"stream\":true}";
        double aborted = aborted();
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(RawHttpConnection.post("/v1/completions", body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            String line = in.readLine();
            while (line != null && !line.startsWith("data: {")) {
                line = in.readLine();
            }
            assertThat(line).as("a first chunk").isNotNull();
            assertThat(server.served.loop().inFlight()).as("every prompt still running").isEqualTo(PROMPTS.size());
        }
        awaitIdle();
        assertThat(abortedReaching(aborted + PROMPTS.size())).as("every prompt was cancelled")
                .isEqualTo(aborted + PROMPTS.size());
        assertThat(server.post("/v1/completions", body(quoted(PROMPTS), false)).statusCode()).isEqualTo(200);
    }

    @Test
    void aBatchPipelinedBeforeAnotherRequestIsAnsweredFirst() throws Exception {
        try (RawHttpConnection c = new RawHttpConnection(server.server.port(), 0)) {
            c.send(RawHttpConnection.post("/v1/completions", body(quoted(PROMPTS), true))
                    + RawHttpConnection.post("/v1/completions", body(quoted(PROMPTS), false)));
            RawHttpConnection.Response stream = c.read();
            assertThat(stream.body()).endsWith("data: [DONE]\n\n");
            JsonNode second = TestServer.JSON.readTree(c.read().body());
            assertThat(second.get("choices")).hasSize(PROMPTS.size() * N);
        }
    }

    @Test
    void aFullQueueRefusesTheBatchAndCancelsWhatWasQueued() throws Exception {
        try (TestServer tight = TestServer.start(SharedModels.model("tinystories-656k").toString(), "t", null,
                TestServer.smallCache().withMaxQueuedRequests(2).withMaxNumSeqs(1))) {
            // A long generation holds the only running slot, so the batch's prompts stay queued: two fit, the third
            // does not. (Without it the loop admits a prompt within microseconds, and the batch may never meet a
            // full queue.) Should the holder finish before the batch arrives, the attempt is repeated.
            HttpResponse<String> r = null;
            for (int attempt = 0; attempt < 5 && (r == null || r.statusCode() == 200); attempt++) {
                CompletableFuture<HttpResponse<String>> holder = tight.client.sendAsync(HttpRequest.newBuilder(
                                tight.uri("/v1/completions")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"prompt\":\"Once\",\"max_tokens\":480,\"ignore_eos\":true}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < started && tight.served.loop().stats().running() == 0) {
                    Thread.onSpinWait();
                }
                r = tight.post("/v1/completions", "{\"prompt\":" + quoted(PROMPTS) + ",\"max_tokens\":2}");
                assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            assertThat(r.headers().firstValue("retry-after")).isPresent();
            assertThat(TestServer.json(r).at("/error/message").asText()).startsWith("prompt[2]: ");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && tight.served.loop().inFlight() > 0) {
                Thread.sleep(10);
            }
            r = tight.post("/v1/completions", "{\"prompt\":" + quoted(PROMPTS.subList(0, 2)) + ",\"max_tokens\":2}");
            assertThat(r.statusCode()).as("the refused batch left the queue: %s", r.body()).isEqualTo(200);
        }
    }

    /** The loop empty and every KV block free, within 20 s. */
    private static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && (server.served.loop().inFlight() > 0
                || server.served.loop().stats().running() > 0
                || usedBlocks() > 0)) {
            Thread.sleep(20);
        }
        assertThat(server.served.loop().inFlight()).isZero();
        assertThat(usedBlocks()).isZero();
        assertThat(server.served.loop().stats().running()).isZero();
    }

    /** Completions that finished as aborted (cancelled), from /metrics; 0 before the first. */
    private static double aborted() throws Exception {
        Matcher m = Pattern.compile("(?m)^vllm:request_success_total\\{[^}]*finished_reason=\"abort\",?} (\\S+)$")
                .matcher(server.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** {@link #aborted()} once it reaches {@code expected}, or after 5 s: the metrics may trail the loop a little. */
    private static double abortedReaching(double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        double now = aborted();
        while (now < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = aborted();
        }
        return now;
    }

    /** KV blocks in use as of the loop's last published stats (none before its first step). */
    private static int usedBlocks() {
        var stats = server.served.loop().stats();
        return stats.kvCache() == null ? 0 : stats.kvCache().usedBlocks();
    }
}
