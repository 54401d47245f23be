package dev.infer.loadtest.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.loadtest.metrics.Outcome;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Streams completions or chat completions from any OpenAI-compatible server with the JDK's HTTP client
 * (HTTP/1.1, one connection per concurrent request). Each SSE line is timed as it arrives; a cancellation
 * cancels the body subscription, which closes the connection, which is how the server learns of it.
 */
public final class OpenAiClient implements TargetClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAiTarget target;
    private final ObjectNode extra;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public OpenAiClient(OpenAiTarget target) {
        this.target = target;
        try {
            this.extra = target.extraBody() == null || target.extraBody().isBlank() ? JSON.createObjectNode()
                    : (ObjectNode) JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                            .readTree(target.extraBody());
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("--extra-body must be a JSON object: " + e.getMessage(), e);
        }
    }

    @Override
    public ClientResult send(GenerationRequest request, Duration timeout) {
        StreamRecorder recorder = new StreamRecorder(request.cancelAfterChunks());
        LineSink sink = new LineSink(recorder);
        HttpRequest.Builder b = HttpRequest.newBuilder(target.endpoint()).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body(request).toString()));
        if (target.apiKey() != null && !target.apiKey().isBlank()) {
            b.header("Authorization", "Bearer " + target.apiKey());
        }
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(b.build(), info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.fromLineSubscriber(sink, s -> "", StandardCharsets.UTF_8, "\n")
                : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8));
        response.whenComplete((r, e) -> {
            if (e != null) {
                recorder.finish(Outcome.ERROR, "connection", String.valueOf(e.getCause() != null ? e.getCause() : e));
            } else if (r.statusCode() != 200) {
                recorder.finish(Outcome.ERROR, Integer.toString(r.statusCode()), r.body());
            }
        });
        ClientResult result = recorder.await(timeout);
        if (result.outcome() != Outcome.OK) {
            sink.cancel();
            response.cancel(true);
        }
        return result;
    }

    /** The request body: streaming with usage, plus {@code ignore_eos}, temperature and any extra fields. */
    ObjectNode body(GenerationRequest request) {
        ObjectNode body = JSON.createObjectNode();
        if (target.model() != null && !target.model().isBlank()) {
            body.put("model", target.model());
        }
        if (target.chat()) {
            ArrayNode messages = body.putArray("messages");
            request.messages().forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
        } else {
            body.put("prompt", request.prompt());
        }
        body.put("max_tokens", request.maxTokens());
        if (!Double.isNaN(target.temperature())) {
            body.put("temperature", target.temperature());
        }
        if (request.ignoreEos()) {
            body.put("ignore_eos", true);
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.setAll(extra);
        return body;
    }

    @Override
    public boolean supportsChat() {
        return target.chat();
    }

    @Override
    public void close() {
        http.close();
    }

    /** Feeds SSE lines to the recorder; cancels the subscription when the recorder says so. */
    private static final class LineSink implements Flow.Subscriber<String> {
        private final StreamRecorder recorder;
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        LineSink(StreamRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            SseChunk c = SseChunk.parse(line);
            if (c == null || cancelled) {
                return;
            }
            if (c == SseChunk.DONE) {
                recorder.finish(Outcome.OK, "200", null);
            } else if (c.error() != null) {
                recorder.finish(Outcome.ERROR, "stream_error", c.error());
                cancel();
            } else {
                if (c.hasUsage()) {
                    recorder.usage(c.promptTokens(), c.completionTokens());
                }
                if (recorder.chunk(c.text(), c.reasoning(), c.tokenIds())) {
                    recorder.finish(Outcome.CANCELLED, "cancelled", null);
                    cancel();
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            recorder.finish(Outcome.ERROR, "connection", String.valueOf(t));
        }

        @Override
        public void onComplete() {
            // A stream that ends without [DONE] is cut short: the server or the network broke it off.
            recorder.finish(Outcome.ERROR, "incomplete", "stream ended without [DONE]");
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
