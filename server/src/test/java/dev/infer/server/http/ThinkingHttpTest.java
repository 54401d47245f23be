package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.server.serving.ThinkingSettings;
import dev.infer.server.testing.TinyReasoningModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.infer.server.testing.TinyReasoningModel.END;
import static dev.infer.server.testing.TinyReasoningModel.START;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thinking budgets end to end: a tiny Qwen3 (real tokenizer and markers, random weights) behind the real HTTP
 * server, once with Qwen3's template (the model opens the block; a logit_bias makes it) and once with the
 * DeepSeek-R1-distill template (the reply starts inside it). Greedy decoding makes every run reproducible.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ThinkingHttpTest {
    /** Makes the random model open the thinking block first (the marker is masked once the block is open). */
    private static final String OPEN_THINKING = "\"logit_bias\":{\"" + START + "\":100}";
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"What is 2 + 2?\"}]";
    private static final int ANSWER = 8;
    @TempDir
    static Path dirs;
    private static TestServer qwen3;
    private static TestServer r1;
    private static int forcedEnd;

    @BeforeAll
    static void start() {
        qwen3 = TestServer.start(TinyReasoningModel.qwen3(dirs.resolve("qwen3")).toString(), "qwen3", null,
                TestServer.smallCache(), ThinkingSettings.defaults());
        r1 = TestServer.start(TinyReasoningModel.r1Distill(dirs.resolve("r1")).toString(), "r1", null,
                TestServer.smallCache(), ThinkingSettings.defaults());
        forcedEnd = qwen3.served.forcedEndTokens();
    }

    @AfterAll
    static void stop() {
        for (TestServer s : new TestServer[] {qwen3, r1}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static TestServer server(String name) {
        return name.equals("qwen3") ? qwen3 : r1;
    }

    private static JsonNode chat(TestServer server, String fields) throws Exception {
        HttpResponse<String> r = server.post("/v1/chat/completions", "{" + HELLO + ",\"temperature\":0,"
                + "\"max_tokens\":" + ANSWER + ",\"ignore_eos\":true,\"return_token_ids\":true," + OPEN_THINKING
                + (fields.isEmpty() ? "" : "," + fields) + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
        return TestServer.json(r);
    }

    private static int[] tokens(JsonNode choice) {
        int[] ids = new int[choice.get("token_ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = choice.get("token_ids").get(i).asInt();
        }
        return ids;
    }

    private static int indexOf(int[] ids, int id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Thinking tokens of a reply: between the markers, less the forced transition text when the end was forced. */
    private static int thinkingTokens(JsonNode choice) {
        int[] ids = tokens(choice);
        int first = ids[0] == START ? 1 : 0;
        boolean forced = choice.get("thinking_end").asText().equals("budget");
        return indexOf(ids, END) - first - (forced ? forcedEnd - 1 : 0);
    }

    @ParameterizedTest(name = "{0}, budget {1}")
    @CsvSource({"qwen3, 0", "qwen3, 1", "qwen3, 17", "qwen3, 256", "r1, 0", "r1, 1", "r1, 17", "r1, 256"})
    void thinkingTokensAreExactlyTheBudgetOrTheNaturalLengthAndTheAnswerFollows(String model, int budget)
            throws Exception {
        TestServer server = server(model);
        JsonNode natural = chat(server, "\"thinking_token_budget\":300").get("choices").get(0);
        int naturalLength = natural.get("thinking_end").asText().equals("natural") ? thinkingTokens(natural)
                : Integer.MAX_VALUE;

        JsonNode json = chat(server, "\"thinking_token_budget\":" + budget);
        JsonNode choice = json.get("choices").get(0);
        int[] ids = tokens(choice);
        int end = indexOf(ids, END);
        assertThat(ids[0] == START).isEqualTo(model.equals("qwen3"));
        assertThat(thinkingTokens(choice)).isEqualTo(Math.min(budget, naturalLength));
        assertThat(choice.get("thinking_end").asText()).isEqualTo(budget < naturalLength ? "budget" : "natural");
        assertThat(ids.length - end - 1).as("the answer keeps all of max_tokens").isEqualTo(ANSWER);
        assertThat(choice.get("message").get("content").asText()).isNotBlank();
        String reasoning = choice.get("message").get("reasoning_content").asText();
        assertThat(reasoning).doesNotContain("<think>", "</think>");
        assertThat(reasoning.contains("Considering the limited time")).isEqualTo(budget < naturalLength);
        assertThat(choice.get("message").get("content").asText()).doesNotContain("Considering the limited time");
        JsonNode usage = json.get("usage");
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isEqualTo(end + 1);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(end + 1 + ANSWER);
    }

    @Test
    void belowTheMinimumTheContinuationIsInsertedAtMostMaxExtensionsTimes() throws Exception {
        String wantsToEnd = "\"logit_bias\":{\"" + START + "\":100,\"" + END + "\":100}";
        JsonNode choice = TestServer.json(r1.post("/v1/chat/completions", "{" + HELLO + ",\"temperature\":0,"
                + "\"max_tokens\":4,\"ignore_eos\":true," + wantsToEnd + ",\"thinking_token_budget\":64,"
                + "\"min_thinking_tokens\":20}")).get("choices").get(0);
        // The model tries to end at once and after each continuation; three are allowed, then it may end.
        assertThat(choice.get("message").get("reasoning_content").asText()).isEqualTo("WaitWaitWait");
        assertThat(choice.get("thinking_end").asText()).isEqualTo("natural");
        assertThat(r1.get("/metrics").body()).contains("vllm:thinking_extensions_total{model_name=\"r1\",} 3.0");
    }

    @Test
    void enableThinkingFalseYieldsNoReasoning() throws Exception {
        JsonNode json = chat(qwen3, "\"chat_template_kwargs\":{\"enable_thinking\":false},\"thinking_token_budget\":17");
        JsonNode choice = json.get("choices").get(0);
        assertThat(tokens(choice)).hasSize(ANSWER).doesNotContain(START, END);
        assertThat(choice.get("message").get("reasoning_content").isNull()).isTrue();
        assertThat(choice.get("thinking_end").asText()).isEqualTo("none");
        assertThat(json.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt()).isZero();
    }

    @Test
    void reasoningEffortAndAnthropicThinkingSetTheBudget() throws Exception {
        JsonNode anthropic = chat(r1, "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":5}").get("choices").get(0);
        assertThat(thinkingTokens(anthropic)).isEqualTo(5);
        HttpResponse<String> bad = r1.post("/v1/chat/completions", "{" + HELLO + ",\"reasoning_effort\":\"extreme\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(bad).get("error").get("param").asText()).isEqualTo("reasoning_effort");
        HttpResponse<String> tooMany = r1.post("/v1/chat/completions", "{" + HELLO
                + ",\"thinking_token_budget\":3,\"min_thinking_tokens\":4}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
    }

    @Test
    void streamedThinkingGoesToReasoningContentAndNeverToContent() throws Exception {
        String fields = "\"thinking_token_budget\":17";
        JsonNode whole = chat(qwen3, fields).get("choices").get(0);
        HttpResponse<String> r = qwen3.post("/v1/chat/completions", "{" + HELLO + ",\"temperature\":0,\"max_tokens\":"
                + ANSWER + ",\"ignore_eos\":true," + OPEN_THINKING + "," + fields + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.statusCode()).isEqualTo(200);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        boolean answered = false;
        JsonNode usage = null;
        for (String event : SseEvents.parse(r.body())) {
            if (event.equals("[DONE]")) {
                break;
            }
            JsonNode chunk = TestServer.JSON.readTree(event);
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode delta = chunk.get("choices").get(0).get("delta");
            if (delta.has("reasoning_content")) {
                assertThat(answered).as("thinking text after the answer began: %s", event).isFalse();
                assertThat(delta.has("content")).as("one delta, one kind of text: %s", event).isFalse();
                reasoning.append(delta.get("reasoning_content").asText());
            }
            if (delta.has("content") && !delta.has("role")) { // the opening chunk's empty content is no answer
                answered = true;
                content.append(delta.get("content").asText());
            }
        }
        assertThat(reasoning.toString()).isEqualTo(whole.get("message").get("reasoning_content").asText());
        assertThat(content.toString()).isEqualTo(whole.get("message").get("content").asText());
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt())
                .isEqualTo(indexOf(tokens(whole), END) + 1);
    }

    @Test
    void endThinkingEndsTheThinkingOfARunningStreamedRequest() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(r1.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString("{" + HELLO + ",\"temperature\":0,\"max_tokens\":"
                        + ANSWER + ",\"ignore_eos\":true,\"stream\":true,\"thinking_token_budget\":3000}")).build();
        HttpResponse<InputStream> r = r1.client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        List<JsonNode> chunks = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean sent = false;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                    continue;
                }
                chunks.add(TestServer.JSON.readTree(line.substring(6)));
                if (!sent && chunks.size() == 20) {
                    HttpResponse<String> ended = r1.post("/v1/requests/" + id + "/end_thinking", "");
                    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
                    sent = true;
                }
            }
        }
        JsonNode last = chunks.getLast().get("choices").get(0);
        assertThat(last.get("thinking_end").asText()).isEqualTo("command");
        long thinkingChunks = chunks.stream().filter(c -> c.get("choices").get(0).get("delta").has("reasoning_content"))
                .count();
        assertThat(thinkingChunks).isLessThan(1000);
        HttpResponse<String> gone = r1.post("/v1/requests/" + id + "/end_thinking", "");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(r1.post("/v1/requests/nope/end_thinking", "").statusCode()).isEqualTo(404);
    }

    @Test
    void metricsCountReasoningTokensForcedEndsAndTheBudgetScale() throws Exception {
        chat(r1, "\"thinking_token_budget\":2");
        String metrics = r1.get("/metrics").body();
        assertThat(metrics).contains("vllm:request_reasoning_tokens_count{model_name=\"r1\",}")
                .contains("vllm:thinking_forced_ends_total{model_name=\"r1\",reason=\"budget\",}")
                .contains("vllm:thinking_budget_scale{model_name=\"r1\",} 1.0");
    }
}
