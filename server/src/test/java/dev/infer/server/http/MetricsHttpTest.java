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
    /** Every vLLM series carries the served model name. */
    private static final String M = "{model_name=\"tinystories\",}";

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
            assertThat(sample(before.body(), "vllm:prompt_tokens_total" + M)).isZero();
            assertThat(sample(before.body(), "vllm:time_to_first_token_seconds_count" + M)).isZero();

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
            assertThat(sample(text, "vllm:prompt_tokens_total" + M)).isEqualTo(prompt);
            assertThat(sample(text, "vllm:generation_tokens_total" + M)).isEqualTo(completion);
            assertThat(sample(text,
                    "vllm:request_success_total{model_name=\"tinystories\",finished_reason=\"length\",}"))
                    .isEqualTo(2);
            assertThat(sample(text, "vllm:time_to_first_token_seconds_count" + M)).isEqualTo(2);
            assertThat(sample(text, "vllm:time_to_first_token_seconds_sum" + M)).isPositive();
            assertThat(sample(text, "vllm:e2e_request_latency_seconds_count" + M)).isEqualTo(2);
            assertThat(sample(text, "vllm:request_queue_time_seconds_count" + M)).isEqualTo(2);
            assertThat(sample(text, "vllm:request_time_per_output_token_seconds_count" + M)).isEqualTo(2);
            // one observation per gap between successive tokens of a completion: (5 - 1) per request
            assertThat(sample(text, "vllm:inter_token_latency_seconds_count" + M)).isEqualTo(completion - 2);
            assertThat(sample(text, "vllm:request_prompt_tokens_count" + M)).isEqualTo(2);
            assertThat(sample(text, "vllm:request_prompt_tokens_sum" + M)).isEqualTo(prompt);
            assertThat(sample(text, "vllm:request_generation_tokens_count" + M)).isEqualTo(2);
            assertThat(sample(text, "vllm:request_generation_tokens_sum" + M)).isEqualTo(completion);
            // one step per token (the requests ran one after the other): the prefill step, then a token fed per step
            assertThat(sample(text, "vllm:iteration_tokens_total_count" + M)).isEqualTo(completion);
            assertThat(sample(text, "vllm:iteration_tokens_total_sum" + M)).isEqualTo(prompt + completion - 2);
            assertThat(sample(text, "vllm:num_requests_running" + M)).isZero();
            assertThat(sample(text, "vllm:num_requests_waiting" + M)).isZero();
            assertThat(sample(text, "vllm:num_preemptions_total" + M)).isZero();
            assertThat(sample(text, "vllm:kv_cache_usage_perc" + M)).isBetween(0.0, 1.0);
            assertThat(sample(text, "vllm:prefix_cache_queries_total" + M)).isGreaterThanOrEqualTo(0);
            assertThat(sample(text, "vllm:prefix_cache_hits_total" + M))
                    .isBetween(0.0, sample(text, "vllm:prefix_cache_queries_total" + M));
            assertThat(text).contains("# TYPE vllm:time_to_first_token_seconds histogram")
                    .contains("# TYPE vllm:prompt_tokens_total counter")
                    .doesNotContain("inference_")
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
            assertThat(sample(a.get("/metrics").body(), "vllm:generation_tokens_total" + M)).isEqualTo(5);
            assertThat(sample(b.get("/metrics").body(), "vllm:generation_tokens_total" + M)).isZero();
        }
    }
}
