package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.engines.DeviceSpec;
import dev.infer.server.TestEngine;
import dev.infer.server.model.LoadSettings;
import dev.infer.server.model.ModelLoader;
import dev.infer.server.model.WeightsFormat;
import dev.infer.server.serving.EngineSettings;
import dev.infer.server.serving.ServedModel;
import dev.infer.server.serving.ThinkingSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real model behind a real server on 127.0.0.1, an ephemeral port, and a JDK HTTP client for it. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final ServedModel served;
    final InferenceHttpServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private TestServer(ServedModel served, InferenceHttpServer server) {
        this.served = served;
        this.server = server;
    }

    static TestServer start(String model, String servedName, String apiKey, EngineSettings settings) {
        return start(model, servedName, settings, ThinkingSettings.defaults(), HttpServerConfig.loopback(0, apiKey));
    }

    static TestServer start(String model, String servedName, String apiKey, EngineSettings settings,
                            ThinkingSettings thinking) {
        return start(model, servedName, settings, thinking, HttpServerConfig.loopback(0, apiKey));
    }

    static TestServer start(String model, String servedName, EngineSettings settings, HttpServerConfig config) {
        return start(model, servedName, settings, ThinkingSettings.defaults(), config);
    }

    private static TestServer start(String model, String servedName, EngineSettings settings,
                                    ThinkingSettings thinking, HttpServerConfig config) {
        ServedModel served = ServedModel.start(ModelLoader.load(new LoadSettings(model, TestEngine.name(),
                DeviceSpec.parse("cpu"), "auto", WeightsFormat.AUTO, 0, 0)), servedName, settings, thinking);
        InferenceHttpServer server = new InferenceHttpServer(config, served);
        try {
            server.start();
        } catch (InterruptedException | RuntimeException e) {
            served.close();
            throw new IllegalStateException("server did not start", e);
        }
        return new TestServer(served, server);
    }

    static EngineSettings smallCache() {
        return EngineSettings.defaults().withKvCacheMemory("64MiB");
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Override
    public void close() {
        try {
            server.beginDrain();
            served.loop().close();
        } finally {
            server.close();
            served.close();
        }
    }
}
