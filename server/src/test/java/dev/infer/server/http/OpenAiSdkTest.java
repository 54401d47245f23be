package dev.infer.server.http;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The official OpenAI Java SDK against our server: completions (tinystories) and streamed chat (demo). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenAiSdkTest {

    private static OpenAIClient client(TestServer server, String key) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.server.port() + "/v1")
                .apiKey(key).timeout(Duration.ofSeconds(60)).maxRetries(0).build();
    }

    @Test
    void completionsThroughTheSdk() {
        try (TestServer server = TestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories",
                "k", TestServer.smallCache())) {
            OpenAIClient client = client(server, "k");
            Completion c = client.completions().create(CompletionCreateParams.builder().model("tinystories")
                    .prompt("Once upon a time").maxTokens(12).temperature(0.0).build());
            assertThat(c.choices().getFirst().text()).startsWith(", a little girl named Lily");
            assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(12);

            StringBuilder streamed = new StringBuilder();
            try (StreamResponse<Completion> s = client.completions().createStreaming(CompletionCreateParams.builder()
                    .model("tinystories").prompt("Once upon a time").maxTokens(12).temperature(0.0).build())) {
                s.stream().forEach(chunk -> chunk.choices().forEach(ch -> streamed.append(ch.text())));
            }
            assertThat(streamed.toString()).isEqualTo(c.choices().getFirst().text());

            // a list of prompts: one choice each, in order, with the usage of all of them
            Completion batch = client.completions().create(CompletionCreateParams.builder().model("tinystories")
                    .promptOfArrayOfStrings(List.of("The cat", "Once upon a time")).maxTokens(12).temperature(0.0)
                    .build());
            assertThat(batch.choices()).hasSize(2);
            assertThat(batch.choices().get(1).index()).isEqualTo(1L);
            assertThat(batch.choices().get(1).text()).isEqualTo(c.choices().getFirst().text());
            assertThat(batch.usage().orElseThrow().promptTokens())
                    .isGreaterThan(c.usage().orElseThrow().promptTokens());
        }
    }

    @Test
    void chatThroughTheSdkStreamedAndNot() {
        try (TestServer server = TestServer.start("demo", "demo", null, TestServer.smallCache())) {
            OpenAIClient client = client(server, "unused");
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("demo")
                    .addSystemMessage("Be brief.").addUserMessage("Hello").maxCompletionTokens(6).temperature(0.0)
                    .build();
            ChatCompletion reply = client.chat().completions().create(params);
            String content = reply.choices().getFirst().message().content().orElse("");
            StringBuilder streamed = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
                s.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
            }
            assertThat(streamed.toString()).isEqualTo(content);
            assertThat(reply.usage().orElseThrow().promptTokens()).isPositive();
        }
    }
}
