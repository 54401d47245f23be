package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /tokenize and /detokenize (vLLM's shapes) on tinystories-656k. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenizeHttpTest {
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

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.intValue()));
        return out;
    }

    @Test
    void tokenizeThenDetokenizeRoundTrips() throws Exception {
        HttpResponse<String> r = server.post("/tokenize", "{\"model\":\"tinystories\",\"prompt\":\"Once upon a time\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestServer.json(r);
        assertThat(ints(body.get("tokens"))).containsExactly(1, 80, 147, 201, 282, 57);
        assertThat(body.get("count").intValue()).isEqualTo(6);
        assertThat(body.get("max_model_len").intValue()).isEqualTo(server.served.contextLength());

        HttpResponse<String> d = server.post("/detokenize", "{\"tokens\":[80,147,201,282,57]}");
        assertThat(d.statusCode()).as(d.body()).isEqualTo(200);
        assertThat(TestServer.json(d).get("prompt").textValue()).isEqualTo("Once upon a time");
    }

    @Test
    void addSpecialTokensFalseLeavesOutTheBos() throws Exception {
        HttpResponse<String> r = server.post("/tokenize",
                "{\"prompt\":\"Once upon a time\",\"add_special_tokens\":false}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(ints(TestServer.json(r).get("tokens"))).containsExactly(80, 147, 201, 282, 57);
    }

    private static void assertBadRequest(String path, String body, String param) throws Exception {
        HttpResponse<String> r = server.post(path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = TestServer.json(r).get("error");
        assertThat(error.get("type").textValue()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").textValue()).isEqualTo(param);
        assertThat(error.get("message").textValue()).isNotEmpty();
    }

    @Test
    void badInputIsA400NamingTheField() throws Exception {
        assertBadRequest("/tokenize", "{}", "prompt");
        assertBadRequest("/tokenize", "{\"prompt\":42}", "prompt");
        assertBadRequest("/tokenize", "{\"prompt\":\"x\",\"add_special_tokens\":\"yes\"}", "add_special_tokens");
        assertBadRequest("/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "messages");
        assertBadRequest("/detokenize", "{}", "tokens");
        assertBadRequest("/detokenize", "{\"tokens\":[1,\"two\"]}", "tokens");
        assertBadRequest("/detokenize", "{\"tokens\":[1.5]}", "tokens");
        assertBadRequest("/detokenize", "{\"tokens\":[-1]}", "tokens");
        int vocab = server.served.model().tokenizer().vocabSize();
        assertBadRequest("/detokenize", "{\"tokens\":[" + vocab + "]}", "tokens");
    }

    @Test
    void wrongModelAndMethodAreRefused() throws Exception {
        HttpResponse<String> r = server.post("/tokenize", "{\"model\":\"nope\",\"prompt\":\"x\"}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(server.get("/tokenize").statusCode()).isEqualTo(405);
    }

    @Test
    void chatMessagesAreRenderedWithTheTemplate() throws Exception {
        try (TestServer demo = TestServer.start("demo", "demo", null, TestServer.smallCache())) {
            HttpResponse<String> r = demo.post("/tokenize",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],\"add_generation_prompt\":true}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = TestServer.json(r);
            assertThat(body.get("count").intValue()).isEqualTo(body.get("tokens").size()).isPositive();
            HttpResponse<String> d = demo.post("/detokenize", "{\"tokens\":" + body.get("tokens") + "}");
            assertThat(d.statusCode()).as(d.body()).isEqualTo(200);
            assertThat(TestServer.json(d).get("prompt").textValue()).contains("hello there");
        }
    }
}
