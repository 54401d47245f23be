package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests answered in OpenAI's error shape, and the server still serving after each. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ErrorsHttpTest {
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

    private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = TestServer.json(r).get("error");
        assertThat(error).as(r.body()).isNotNull();
        assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code")).isTrue();
        return error;
    }

    @ParameterizedTest(name = "{0} → 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\":\"hi\",\"temperature\":-1}                   | temperature",
            "{\"prompt\":\"hi\",\"temperature\":\"hot\"}              | temperature",
            "{\"prompt\":\"hi\",\"top_p\":0}                          | top_p",
            "{\"prompt\":\"hi\",\"top_p\":1.5}                        | top_p",
            "{\"prompt\":\"hi\",\"top_k\":-2}                         | top_k",
            "{\"prompt\":\"hi\",\"min_p\":2}                          | min_p",
            "{\"prompt\":\"hi\",\"presence_penalty\":3}               | presence_penalty",
            "{\"prompt\":\"hi\",\"frequency_penalty\":-3}             | frequency_penalty",
            "{\"prompt\":\"hi\",\"repetition_penalty\":0}             | repetition_penalty",
            "{\"prompt\":\"hi\",\"max_tokens\":0}                     | max_tokens",
            "{\"prompt\":\"hi\",\"max_tokens\":1.5}                   | max_tokens",
            "{\"prompt\":\"hi\",\"max_tokens\":100000}                | max_tokens",
            "{\"prompt\":\"hi\",\"n\":0}                              | n",
            "{\"prompt\":\"hi\",\"logprobs\":21}                      | top_logprobs",
            "{\"prompt\":\"hi\",\"stop\":5}                           | stop",
            "{\"prompt\":\"hi\",\"stop\":[\"\"]}                      | stop",
            "{\"prompt\":\"hi\",\"logit_bias\":{\"x\":1}}             | logit_bias",
            "{\"prompt\":\"hi\",\"logit_bias\":{\"5\":500}}           | logit_bias",
            "{\"prompt\":\"hi\",\"seed\":\"abc\"}                     | seed",
            "{\"prompt\":\"hi\",\"stream\":\"yes\"}                   | stream",
            "{\"prompt\":\"hi\",\"min_tokens\":20,\"max_tokens\":5}   | min_tokens",
            "{\"prompt\":\"\"}                                        | prompt",
            "{\"prompt\":[]}                                          | prompt",
            "{\"prompt\":[1,-4]}                                      | prompt",
            "{\"prompt\":[999999]}                                    | prompt",
            "{\"max_tokens\":3}                                       | prompt",
    })
    void outOfRangeAndWrongTypes(String body, String param) throws Exception {
        JsonNode error = error(server.post("/v1/completions", body), 400);
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).contains(param.equals("top_logprobs") ? "top_logprobs" : param);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        stillServes();
    }

    @Test
    void malformedJsonIs400() throws Exception {
        assertThat(error(server.post("/v1/completions", "{\"prompt\": \"hi\""), 400).get("message").asText())
                .contains("JSON");
        assertThat(error(server.post("/v1/completions", "[1,2]"), 400).get("message").asText()).contains("object");
        stillServes();
    }

    @Test
    void promptPlusMaxTokensOverTheContextIs400NamingTheLimit() throws Exception {
        String body = "{\"prompt\":\"Once upon a time\",\"max_tokens\":510}";
        JsonNode error = error(server.post("/v1/completions", body), 400);
        assertThat(error.get("message").asText()).contains("context length of 512");
        assertThat(error.get("param").asText()).isEqualTo("max_tokens");
    }

    @Test
    void unknownModelIs404() throws Exception {
        JsonNode error = error(server.post("/v1/completions", "{\"model\":\"gpt-9\",\"prompt\":\"hi\"}"), 404);
        assertThat(error.get("message").asText()).contains("gpt-9");
        assertThat(error.get("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        error(server.get("/v1/nothing"), 404);
        error(server.get("/v1/completions"), 405);
        error(server.post("/health", "{}"), 405);
    }

    @Test
    void chatWithoutTemplateIs400() throws Exception {
        JsonNode error = error(server.post("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400);
        assertThat(error.get("message").asText()).contains("chat template");
    }

    @Test
    void bodyTooLargeIs413() throws Exception {
        String huge = "{\"prompt\":\"" + "a".repeat(HttpServerConfig.DEFAULT_MAX_BODY_BYTES + 10) + "\"}";
        HttpResponse<String> r = server.post("/v1/completions", huge);
        error(r, 413);
        stillServes();
    }

    @Test
    void missingOrWrongKeyIs401WhenAKeyIsSet() throws Exception {
        try (TestServer keyed = TestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories",
                "s3cret", TestServer.smallCache())) {
            String body = "{\"prompt\":\"hi\",\"max_tokens\":2}";
            error(keyed.post("/v1/completions", body), 401);
            error(keyed.post("/v1/completions", body, "Authorization", "Bearer wrong"), 401);
            assertThat(keyed.post("/v1/completions", body, "Authorization", "Bearer s3cret").statusCode())
                    .isEqualTo(200);
            assertThat(keyed.get("/health").statusCode()).as("probes need no key").isEqualTo(200);
        }
    }

    @Test
    void drainingServerAnswers503() throws Exception {
        try (TestServer draining = TestServer.start(SharedModels.model("tinystories-656k").toString(), "t", null,
                TestServer.smallCache())) {
            draining.server.context().startDraining();
            error(draining.post("/v1/completions", "{\"prompt\":\"hi\"}"), 503);
        }
    }

    private static void stillServes() throws Exception {
        HttpResponse<String> r = server.client.send(HttpRequest.newBuilder(server.uri("/v1/completions"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"prompt\":\"Once\",\"max_tokens\":2}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
