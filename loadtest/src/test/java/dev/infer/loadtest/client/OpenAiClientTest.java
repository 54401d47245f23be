package dev.infer.loadtest.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiClientTest {
    private static final GenerationRequest REQUEST =
            new GenerationRequest(List.of(new ChatMessage("user", "2+2?")), "2+2?", 16, true, 0);

    private static OpenAiClient client(String extraBody) {
        return new OpenAiClient(new OpenAiTarget(URI.create("http://127.0.0.1:1"), true, null, null, Double.NaN,
                extraBody));
    }

    @Test
    void extraBodyFieldsAreMergedIntoEveryRequest() {
        try (OpenAiClient c = client("""
                {"thinking_token_budget": 256, "min_thinking_tokens": 32,
                 "chat_template_kwargs": {"enable_thinking": true}, "logit_bias": {"151668": -100}}""")) {
            ObjectNode body = c.body(REQUEST);
            assertThat(body.get("thinking_token_budget").asInt()).isEqualTo(256);
            assertThat(body.get("min_thinking_tokens").asInt()).isEqualTo(32);
            assertThat(body.at("/chat_template_kwargs/enable_thinking").asBoolean()).isTrue();
            assertThat(body.at("/logit_bias/151668").asInt()).isEqualTo(-100);
            assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("2+2?");
            assertThat(body.get("stream").asBoolean()).isTrue();
        }
    }

    @Test
    void extraBodyOverridesTheHarnessFields() {
        try (OpenAiClient c = client("{\"max_tokens\": 99, \"stream_options\": {\"include_usage\": false}}")) {
            ObjectNode body = c.body(REQUEST);
            assertThat(body.get("max_tokens").asInt()).isEqualTo(99);
            assertThat(body.at("/stream_options/include_usage").asBoolean()).isFalse();
        }
    }

    @Test
    void noExtraBodyLeavesTheRequestAsIs() {
        try (OpenAiClient c = client(null)) {
            assertThat(c.body(REQUEST).fieldNames()).toIterable()
                    .containsExactly("messages", "max_tokens", "ignore_eos", "stream", "stream_options");
        }
    }

    @Test
    void extraBodyMustBeAJsonObject() {
        assertThatThrownBy(() -> client("[1, 2]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--extra-body must be a JSON object");
        assertThatThrownBy(() -> client("{not json")).isInstanceOf(IllegalArgumentException.class);
        // a stray brace (easy to get from shell quoting) is an error, not silently ignored
        assertThatThrownBy(() -> client("{\"thinking_token_budget\": 96}}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
