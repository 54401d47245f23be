package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** /v1/chat/completions on the built-in demo model (random weights, a chat template): shapes, not text. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatCompletionsHttpTest {
    private static final String MESSAGES = "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("demo", "demo", null, TestServer.smallCache());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nonStreamedReplyHasTheChatShape() throws Exception {
        HttpResponse<String> r = server.post("/v1/chat/completions", "{\"model\":\"demo\"," + MESSAGES
                + ",\"max_completion_tokens\":8,\"temperature\":0,\"ignore_eos\":true,\"logprobs\":true,"
                + "\"top_logprobs\":3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = TestServer.json(r);
        assertThat(json.get("id").asText()).startsWith("chatcmpl-");
        assertThat(json.get("object").asText()).isEqualTo("chat.completion");
        JsonNode choice = json.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").isTextual()).isTrue();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        JsonNode content = choice.get("logprobs").get("content");
        assertThat(content).hasSize(8);
        assertThat(content.get(0).get("top_logprobs")).hasSize(3);
        assertThat(json.get("usage").get("completion_tokens").asInt()).isEqualTo(8);
        assertThat(json.get("usage").get("prompt_tokens").asInt()).isPositive();
    }

    @Test
    void streamedReplyOpensWithTheRoleAndEndsWithDone() throws Exception {
        String body = "{" + MESSAGES + ",\"max_tokens\":6,\"temperature\":0,\"ignore_eos\":true,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}";
        String expected = TestServer.json(server.post("/v1/chat/completions", body.replace("\"stream\":true",
                "\"stream\":false"))).get("choices").get(0).get("message").get("content").asText();
        HttpResponse<String> r = server.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = SseEvents.parse(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode first = TestServer.JSON.readTree(events.getFirst());
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        String finish = null;
        boolean usage = false;
        for (String e : events.subList(1, events.size() - 1)) {
            JsonNode chunk = TestServer.JSON.readTree(e);
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage").get("completion_tokens").asInt() == 6;
                continue;
            }
            JsonNode c = chunk.get("choices").get(0);
            text.append(c.get("delta").path("content").asText(""));
            if (!c.get("finish_reason").isNull()) {
                finish = c.get("finish_reason").asText();
            }
        }
        assertThat(text.toString()).isEqualTo(expected);
        assertThat(finish).isEqualTo("length");
        assertThat(usage).isTrue();
    }

    @Test
    void badMessagesAre400() throws Exception {
        for (String body : List.of("{\"messages\":[]}", "{\"messages\":\"hi\"}",
                "{\"messages\":[{\"content\":\"hi\"}]}", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}")) {
            HttpResponse<String> r = server.post("/v1/chat/completions", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(TestServer.json(r).get("error").get("param").asText()).isEqualTo("messages");
        }
    }
}
