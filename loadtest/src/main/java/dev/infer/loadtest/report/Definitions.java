package dev.infer.loadtest.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** What each reported measure means, written into the JSON result and shown in the HTML report. */
public final class Definitions {
    private Definitions() {
    }

    public static Map<String, String> all() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("TTFT", "Time to first token: from sending the request to the first streamed chunk carrying output "
                + "(text, reasoning or token ids). Completed requests only.");
        d.put("ITL", "Inter-token latency: every gap between consecutive output chunks of a request, pooled over all "
                + "completed requests (a chunk normally carries one token).");
        d.put("TPOT", "Time per output token: (E2E - TTFT) / (output tokens - 1), per request with >= 2 output "
                + "tokens; output tokens from the server's usage, else counted from the stream.");
        d.put("E2E", "End-to-end latency: from sending the request to the end of its stream ([DONE] / the gRPC "
                + "stream closing).");
        d.put("Queue", "Time the request waited in the server's queue before scheduling, as the server reports it "
                + "(gRPC timings.queue_ms); 'not reported' when it does not.");
        d.put("Statistics", "mean, median, p90, p95, p99; percentiles interpolate linearly between closest ranks "
                + "(numpy's default).");
        d.put("Duration", "From the start of the level (after warm-up) to the end of its last request.");
        d.put("Request throughput", "Completed requests / duration.");
        d.put("Output token throughput", "Output tokens of completed requests / duration.");
        d.put("Total token throughput", "(Prompt + output tokens) of completed requests / duration.");
        d.put("Peak concurrency", "Largest number of requests in flight at once (any outcome).");
        d.put("Goodput", "Completed requests meeting every SLO bound / duration (bounds from --slo).");
        d.put("Errors", "Requests that failed, by HTTP status / gRPC code ('timeout' for deadline, "
                + "'stream_error' for an error inside a stream); cancelled requests are counted apart.");
        d.put("Thinking / answer", "Output chunks carrying reasoning (delta.reasoning_content) versus answer text.");
        return d;
    }
}
