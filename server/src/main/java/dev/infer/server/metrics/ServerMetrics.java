package dev.infer.server.metrics;

import dev.infer.batching.kv.KvCacheStats;
import dev.infer.batching.loop.LoopStats;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.client.hotspot.DefaultExports;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One server's Prometheus metrics, in a registry of its own (not the global default, so several servers in one
 * JVM do not collide), under vLLM's names and meanings so that vLLM dashboards work unchanged: every series is
 * labelled {@code model_name} (the served model name). Engine-loop gauges and counters are read at scrape time
 * from {@link LoopStats}; token and request counters and latency histograms are fed by {@link RequestRecorder};
 * the JVM's hotspot exports are kept alongside.
 *
 * <p>simpleclient strips a trailing {@code _total} from a counter's name and appends it on exposition, so the
 * counters below are built without it and exposed exactly as vLLM's (e.g. {@code vllm:prompt_tokens_total}).
 * {@code vllm:iteration_tokens_total} is not exported: the engine loop does not expose tokens per step.
 */
public final class ServerMetrics {
    /** The Prometheus text exposition format, version 0.0.4. */
    public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE_004;

    static final String MODEL_NAME = "model_name";

    /** vLLM's latency buckets for whole-request durations (e2e, queue). */
    private static final double[] REQUEST_LATENCY_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0,
            20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    private final CollectorRegistry registry = new CollectorRegistry(true);
    private final String modelName;
    final Counter.Child promptTokens;
    final Counter.Child generationTokens;
    private final Counter requestSuccess;
    final Histogram.Child timeToFirstToken;
    final Histogram.Child interTokenLatency;
    final Histogram.Child timePerOutputToken;
    final Histogram.Child e2eLatency;
    final Histogram.Child queueTime;
    final Histogram.Child requestPromptTokens;
    final Histogram.Child requestGenerationTokens;
    final Histogram.Child requestReasoningTokens;
    private final Counter thinkingForcedEnds;
    final Counter.Child thinkingExtensions;
    private final Histogram.Child iterationTokens;

    /**
     * @param modelName   the served model name, the value of every series' {@code model_name} label
     * @param maxModelLen the context length, the top of the per-request token-count buckets (as vLLM)
     * @param stats       the engine loop's latest snapshot
     */
    public ServerMetrics(String modelName, int maxModelLen, Supplier<LoopStats> stats) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        promptTokens = Counter.build().name("vllm:prompt_tokens")
                .help("Number of prefill tokens processed.").labelNames(MODEL_NAME).register(registry)
                .labels(modelName);
        generationTokens = Counter.build().name("vllm:generation_tokens")
                .help("Number of generation tokens processed.").labelNames(MODEL_NAME).register(registry)
                .labels(modelName);
        requestSuccess = Counter.build().name("vllm:request_success")
                .help("Count of successfully processed requests.").labelNames(MODEL_NAME, "finished_reason")
                .register(registry);
        timeToFirstToken = Histogram.build().name("vllm:time_to_first_token_seconds")
                .help("Histogram of time to first token in seconds.")
                .buckets(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
                        20.0, 40.0, 80.0, 160.0, 640.0, 2560.0)
                .labelNames(MODEL_NAME).register(registry).labels(modelName);
        interTokenLatency = Histogram.build().name("vllm:inter_token_latency_seconds")
                .help("Histogram of inter-token latency in seconds.")
                .buckets(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
                        20.0, 40.0, 80.0)
                .labelNames(MODEL_NAME).register(registry).labels(modelName);
        timePerOutputToken = Histogram.build().name("vllm:request_time_per_output_token_seconds")
                .help("Histogram of time_per_output_token_seconds per request.")
                .buckets(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
                        20.0, 40.0, 80.0)
                .labelNames(MODEL_NAME).register(registry).labels(modelName);
        e2eLatency = Histogram.build().name("vllm:e2e_request_latency_seconds")
                .help("Histogram of e2e request latency in seconds.")
                .buckets(REQUEST_LATENCY_BUCKETS).labelNames(MODEL_NAME).register(registry).labels(modelName);
        queueTime = Histogram.build().name("vllm:request_queue_time_seconds")
                .help("Histogram of time spent in WAITING phase for request.")
                .buckets(REQUEST_LATENCY_BUCKETS).labelNames(MODEL_NAME).register(registry).labels(modelName);
        double[] tokenBuckets = oneTwoFiveBuckets(maxModelLen);
        requestPromptTokens = Histogram.build().name("vllm:request_prompt_tokens")
                .help("Number of prefill tokens processed.")
                .buckets(tokenBuckets).labelNames(MODEL_NAME).register(registry).labels(modelName);
        requestGenerationTokens = Histogram.build().name("vllm:request_generation_tokens")
                .help("Number of generation tokens processed.")
                .buckets(tokenBuckets).labelNames(MODEL_NAME).register(registry).labels(modelName);
        requestReasoningTokens = Histogram.build().name("vllm:request_reasoning_tokens")
                .help("Number of reasoning tokens (the thinking block: markers, thinking, forced text) per "
                        + "completion that thought.")
                .buckets(tokenBuckets).labelNames(MODEL_NAME).register(registry).labels(modelName);
        thinkingForcedEnds = Counter.build().name("vllm:thinking_forced_ends")
                .help("Thinking blocks the server ended, by reason: budget (incl. load scaling) or command.")
                .labelNames(MODEL_NAME, "reason").register(registry);
        thinkingExtensions = Counter.build().name("vllm:thinking_extensions")
                .help("Continuations inserted because a reply tried to end its thinking below min_thinking_tokens.")
                .labelNames(MODEL_NAME).register(registry).labels(modelName);
        iterationTokens = Histogram.build().name("vllm:iteration_tokens_total")
                .help("Histogram of number of tokens per engine_step.")
                .buckets(1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384)
                .labelNames(MODEL_NAME).register(registry).labels(modelName);
        new LoopCollector(modelName, stats).register(registry);
        DefaultExports.register(registry);
    }

    /** One engine step: feeds {@code vllm:iteration_tokens_total} (pass as the loop's {@code StepObserver}). */
    public void onStep(int tokens, int sequences, long nanos) {
        iterationTokens.observe(tokens);
    }

    /** vLLM's {@code build_1_2_5_buckets}: 1, 2, 5, 10, 20, 50, ... up to {@code max}. */
    static double[] oneTwoFiveBuckets(long max) {
        List<Double> out = new ArrayList<>();
        for (long exponent = 1; ; exponent *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                long v = m * exponent;
                if (v > Math.max(1, max)) {
                    return out.stream().mapToDouble(Double::doubleValue).toArray();
                }
                out.add((double) v);
            }
        }
    }

    void thinkingForcedEnd(String reason) {
        thinkingForcedEnds.labels(modelName, reason).inc();
    }

    void requestFinished(String finishedReason) {
        requestSuccess.labels(modelName, finishedReason).inc();
    }

    /** A recorder for one submitted request with {@code n} completions. */
    public RequestRecorder newRequest(int n) {
        return new RequestRecorder(this, n);
    }

    public CollectorRegistry registry() {
        return registry;
    }

    /** Every metric in the text format {@link #CONTENT_TYPE}. */
    public String scrape() {
        StringWriter out = new StringWriter();
        try {
            TextFormat.write004(out, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The engine loop's snapshot, read on every scrape. */
    private static final class LoopCollector extends Collector {
        private final List<String> labels;
        private final Supplier<LoopStats> stats;

        LoopCollector(String modelName, Supplier<LoopStats> stats) {
            this.labels = List.of(modelName);
            this.stats = stats;
        }

        private GaugeMetricFamily gauge(String name, String help, double value) {
            GaugeMetricFamily f = new GaugeMetricFamily(name, help, List.of(MODEL_NAME));
            f.addMetric(labels, value);
            return f;
        }

        /** {@code name} without {@code _total}: it is exposed with the suffix. */
        private CounterMetricFamily counter(String name, String help, double value) {
            CounterMetricFamily f = new CounterMetricFamily(name, help, List.of(MODEL_NAME));
            f.addMetric(labels, value);
            return f;
        }

        @Override
        public List<MetricFamilySamples> collect() {
            LoopStats s = stats.get();
            KvCacheStats kv = s == null ? null : s.kvCache();
            return List.of(
                    gauge("vllm:num_requests_running", "Number of requests in model execution batches.",
                            s == null ? 0 : s.running()),
                    gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.",
                            s == null ? 0 : s.waiting()),
                    gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.",
                            kv == null ? 0 : kv.usage()),
                    counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.",
                            s == null ? 0 : s.preemptions()),
                    counter("vllm:prefix_cache_queries",
                            "Prefix cache queries, in terms of number of queried tokens.",
                            kv == null ? 0 : kv.prefixQueryTokens()),
                    counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.",
                            kv == null ? 0 : kv.prefixHitTokens()),
                    gauge("vllm:thinking_budget_scale", "Scale of thinking budgets under the load policy: 1 full "
                            + "budgets, 0 every request's minimum.", s == null ? 1 : s.thinkingBudgetScale()));
        }
    }
}
