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
import java.util.List;
import java.util.function.Supplier;

/**
 * One server's Prometheus metrics, in a registry of its own (not the global default, so several servers in one
 * JVM do not collide), with vLLM-like names: engine-loop gauges read at scrape time from {@link LoopStats},
 * token and request counters and latency histograms fed by {@link RequestRecorder}, and the JVM's hotspot exports.
 */
public final class ServerMetrics {
    /** The Prometheus text exposition format, version 0.0.4. */
    public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE_004;

    private final CollectorRegistry registry = new CollectorRegistry(true);
    final Counter promptTokens;
    final Counter generationTokens;
    final Counter requestSuccess;
    final Histogram timeToFirstToken;
    final Histogram e2eLatency;
    final Histogram timePerOutputToken;

    public ServerMetrics(Supplier<LoopStats> stats) {
        promptTokens = Counter.build().name("inference_prompt_tokens_total")
                .help("Prompt tokens processed.").register(registry);
        generationTokens = Counter.build().name("inference_generation_tokens_total")
                .help("Tokens generated.").register(registry);
        requestSuccess = Counter.build().name("inference_request_success_total")
                .help("Finished completions, by finish reason.").labelNames("finish_reason").register(registry);
        timeToFirstToken = Histogram.build().name("inference_time_to_first_token_seconds")
                .help("Time from submission to the first generated token.")
                .buckets(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
                        20.0, 40.0, 80.0)
                .register(registry);
        e2eLatency = Histogram.build().name("inference_e2e_request_latency_seconds")
                .help("Time from submission to the end of the request.")
                .buckets(0.01, 0.05, 0.1, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0,
                        60.0, 120.0, 240.0)
                .register(registry);
        timePerOutputToken = Histogram.build().name("inference_time_per_output_token_seconds")
                .help("Mean time between output tokens after the first, per request.")
                .buckets(0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5)
                .register(registry);
        new LoopCollector(stats).register(registry);
        DefaultExports.register(registry);
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
        private final Supplier<LoopStats> stats;

        LoopCollector(Supplier<LoopStats> stats) {
            this.stats = stats;
        }

        @Override
        public List<MetricFamilySamples> collect() {
            LoopStats s = stats.get();
            KvCacheStats kv = s == null ? null : s.kvCache();
            return List.of(
                    new GaugeMetricFamily("inference_requests_running", "Requests in the running batch.",
                            s == null ? 0 : s.running()),
                    new GaugeMetricFamily("inference_requests_waiting", "Requests waiting to be scheduled.",
                            s == null ? 0 : s.waiting()),
                    new CounterMetricFamily("inference_preemptions_total", "Preemptions since start.",
                            s == null ? 0 : s.preemptions()),
                    new GaugeMetricFamily("inference_kv_cache_usage_ratio",
                            "Fraction of usable KV-cache blocks held by sequences.", kv == null ? 0 : kv.usage()),
                    new GaugeMetricFamily("inference_prefix_cache_hit_ratio",
                            "Fraction of queried prompt tokens served from the prefix cache.",
                            kv == null ? 0 : kv.prefixHitRate()),
                    new CounterMetricFamily("inference_prefix_cache_queries_total",
                            "Prompt tokens looked up in the prefix cache.", kv == null ? 0 : kv.prefixQueryTokens()),
                    new CounterMetricFamily("inference_prefix_cache_hits_total",
                            "Prompt tokens served from the prefix cache.", kv == null ? 0 : kv.prefixHitTokens()));
        }
    }
}
