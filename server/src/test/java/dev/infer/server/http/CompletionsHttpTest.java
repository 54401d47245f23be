package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.batching.loop.GenerationRequest;
import dev.infer.batching.loop.TokenDelta;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** /v1/completions on tinystories-656k through a real server on loopback. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompletionsHttpTest {
    private static final String PROMPT = "Once upon a time";
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

    /** The same request straight through the engine loop: what HTTP must return. */
    private static String direct(int maxTokens) throws InterruptedException {
        BlockingQueue<TokenDelta> deltas = new LinkedBlockingQueue<>();
        int[] ids = server.served.model().tokenizer().encode(PROMPT);
        server.served.loop().submit(GenerationRequest.of(ids, SamplingParams.builder().temperature(0)
                .maxTokens(maxTokens).build()), deltas::add);
        StringBuilder text = new StringBuilder();
        for (TokenDelta d = deltas.poll(30, TimeUnit.SECONDS); ; d = deltas.poll(30, TimeUnit.SECONDS)) {
            assertThat(d).as("delta within 30 s").isNotNull();
            text.append(d.text());
            if (d.isFinal()) {
                return text.toString();
            }
        }
    }

    private static String body(boolean stream, int maxTokens) {
        return "{\"model\":\"tinystories\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0,\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true}}";
    }

    @Test
    void greedyIdsOverHttpEqualTheReference() throws Exception {
        JsonNode cases = TestServer.JSON.readTree(SharedModels.model("tinystories-656k")
                .resolve("REFERENCE_GREEDY.json").toFile()).get("cases");
        for (JsonNode c : cases) {
            String body = "{\"model\":\"tinystories\",\"prompt\":" + c.get("input_ids") + ",\"max_tokens\":"
                    + c.get("greedy_ids").size() + ",\"temperature\":0,\"return_token_ids\":true}";
            HttpResponse<String> r = server.post("/v1/completions", body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(TestServer.json(r).get("choices").get(0).get("token_ids")).as("prompt %s", c.get("prompt"))
                    .isEqualTo(c.get("greedy_ids"));
        }
    }

    @Test
    void greedyCompletionMatchesTheEngineLoopAndHasUsage() throws Exception {
        HttpResponse<String> r = server.post("/v1/completions", body(false, 12));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = TestServer.json(r);
        assertThat(json.get("id").asText()).startsWith("cmpl-");
        assertThat(json.get("object").asText()).isEqualTo("text_completion");
        assertThat(json.get("model").asText()).isEqualTo("tinystories");
        assertThat(json.get("created").asLong()).isPositive();
        JsonNode choice = json.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("text").asText()).isEqualTo(direct(12)).startsWith(", a little girl named Lily");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        JsonNode usage = json.get("usage");
        int promptTokens = server.served.model().tokenizer().encode(PROMPT).length;
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(promptTokens);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(12);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(promptTokens + 12);
    }

    @Test
    void tokenIdPromptAndLogprobsAndN() throws Exception {
        int[] ids = server.served.model().tokenizer().encode(PROMPT);
        StringBuilder prompt = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            prompt.append(i == 0 ? "" : ",").append(ids[i]);
        }
        String body = "{\"prompt\":" + prompt + "],\"max_tokens\":5,\"temperature\":0,\"logprobs\":2,\"n\":2,"
                + "\"return_token_ids\":true}";
        HttpResponse<String> r = server.post("/v1/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choices = TestServer.json(r).get("choices");
        assertThat(choices).hasSize(2);
        for (JsonNode c : choices) {
            assertThat(c.get("text").asText()).isEqualTo(direct(5));
            assertThat(c.get("token_ids")).hasSize(5);
            JsonNode lp = c.get("logprobs");
            assertThat(lp.get("tokens")).hasSize(5);
            assertThat(lp.get("token_logprobs").get(0).asDouble()).isLessThanOrEqualTo(0.0);
            assertThat(lp.get("top_logprobs").get(0).size()).isBetween(1, 2);
        }
        assertThat(TestServer.json(r).get("usage").get("completion_tokens").asInt()).isEqualTo(10);
    }

    @Test
    void streamedChunksConcatenateToTheSameTextAndEndWithDone() throws Exception {
        String expected = TestServer.json(server.post("/v1/completions", body(false, 24)))
                .get("choices").get(0).get("text").asText();
        HttpResponse<String> r = server.post("/v1/completions", body(true, 24));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = SseEvents.parse(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = TestServer.JSON.readTree(e);
            assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode c = chunk.get("choices").get(0);
            text.append(c.get("text").asText());
            if (!c.get("finish_reason").isNull()) {
                finish = c.get("finish_reason").asText();
            }
        }
        assertThat(text.toString()).isEqualTo(expected);
        assertThat(finish).isEqualTo("length");
        assertThat(usage).as("usage chunk").isNotNull();
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(24);
    }

    @Test
    void manyConcurrentRequestsAllSucceed() throws Exception {
        String expected = direct(16);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                boolean stream = i % 2 == 1;
                futures.add(pool.submit(() -> server.post("/v1/completions", body(stream, 16))));
            }
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get(90, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                if (r.body().startsWith("data:")) {
                    assertThat(SseEvents.parse(r.body()).getLast()).isEqualTo("[DONE]");
                } else {
                    assertThat(TestServer.json(r).get("choices").get(0).get("text").asText()).isEqualTo(expected);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsBlocks() throws Exception {
        String body = "{\"prompt\":\"" + PROMPT + "\",\"max_tokens\":500,\"ignore_eos\":true,\"stream\":true}";
        boolean sawBlocksInUse = false;
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("data: {")) {
                    // the loop publishes its stats after a step's deltas: give the snapshot a moment to catch up
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (!sawBlocksInUse && System.nanoTime() < until) {
                        var stats = server.served.loop().stats();
                        sawBlocksInUse = stats.kvCache() != null && stats.kvCache().usedBlocks() > 0;
                        Thread.onSpinWait();
                    }
                    break;
                }
            }
        }
        assertThat(sawBlocksInUse).as("the request held KV blocks while streaming").isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && (server.served.loop().stats().kvCache().usedBlocks() > 0
                || server.served.loop().stats().running() > 0)) {
            Thread.sleep(20);
        }
        assertThat(server.served.loop().stats().kvCache().usedBlocks()).isZero();
        assertThat(server.served.loop().stats().running()).isZero();
        // and the server still serves
        assertThat(server.post("/v1/completions", body(false, 4)).statusCode()).isEqualTo(200);
    }

    @Test
    void modelsHealthAndReady() throws Exception {
        HttpResponse<String> models = server.get("/v1/models");
        assertThat(models.statusCode()).isEqualTo(200);
        JsonNode data = TestServer.json(models).get("data");
        assertThat(data.get(0).get("id").asText()).isEqualTo("tinystories");
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        assertThat(server.get("/ready").statusCode()).isEqualTo(200);
    }
}
