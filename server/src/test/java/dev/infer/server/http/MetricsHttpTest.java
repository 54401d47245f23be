package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /metrics: Prometheus text with counters that match the usage the completions reported. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricsHttpTest {
    private static final String BODY = "{\"model\":\"tinystories\",\"prompt\":\"Once upon a time\",\"max_tokens\":5,"
            + "\"temperature\":0,\"ignore_eos\":true}";

    /** The value of the sample whose name and labels are exactly {@code series}; fails when it is missing. */
    private static double sample(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as("metric " + series + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countsTwoCompletions() throws Exception {
        try (TestServer server = TestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories",
                null, TestServer.smallCache())) {
            HttpResponse<String> before = server.get("/metrics");
            assertThat(before.statusCode()).isEqualTo(200);
            assertThat(before.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(sample(before.body(), "inference_prompt_tokens_total")).isZero();
            assertThat(sample(before.body(), "inference_time_to_first_token_seconds_count")).isZero();

            long prompt = 0;
            long completion = 0;
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = server.post("/v1/completions", BODY);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode body = TestServer.json(r);
                assertThat(body.at("/choices/0/finish_reason").textValue()).isEqualTo("length");
                prompt += body.at("/usage/prompt_tokens").longValue();
                completion += body.at("/usage/completion_tokens").longValue();
            }
            assertThat(prompt).isEqualTo(12);
            assertThat(completion).isEqualTo(10);

            String text = server.get("/metrics").body();
            assertThat(sample(text, "inference_prompt_tokens_total")).isEqualTo(prompt);
            assertThat(sample(text, "inference_generation_tokens_total")).isEqualTo(completion);
            assertThat(sample(text, "inference_request_success_total{finish_reason=\"length\",}")).isEqualTo(2);
            assertThat(sample(text, "inference_time_to_first_token_seconds_count")).isEqualTo(2);
            assertThat(sample(text, "inference_e2e_request_latency_seconds_count")).isEqualTo(2);
            assertThat(sample(text, "inference_time_per_output_token_seconds_count")).isEqualTo(2);
            assertThat(sample(text, "inference_time_to_first_token_seconds_sum")).isPositive();
            assertThat(sample(text, "inference_requests_running")).isZero();
            assertThat(sample(text, "inference_requests_waiting")).isZero();
            assertThat(sample(text, "inference_preemptions_total")).isZero();
            assertThat(sample(text, "inference_kv_cache_usage_ratio")).isBetween(0.0, 1.0);
            assertThat(sample(text, "inference_prefix_cache_hit_ratio")).isBetween(0.0, 1.0);
            assertThat(sample(text, "inference_prefix_cache_queries_total")).isGreaterThanOrEqualTo(0);
            assertThat(text).contains("# TYPE inference_time_to_first_token_seconds histogram")
                    .contains("jvm_memory_bytes_used").contains("jvm_threads_current");
        }
    }

    @Test
    void eachServerHasItsOwnRegistry() throws Exception {
        try (TestServer a = TestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories", null,
                TestServer.smallCache());
             TestServer b = TestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories", null,
                     TestServer.smallCache())) {
            assertThat(a.post("/v1/completions", BODY).statusCode()).isEqualTo(200);
            assertThat(sample(a.get("/metrics").body(), "inference_generation_tokens_total")).isEqualTo(5);
            assertThat(sample(b.get("/metrics").body(), "inference_generation_tokens_total")).isZero();
        }
    }
}
