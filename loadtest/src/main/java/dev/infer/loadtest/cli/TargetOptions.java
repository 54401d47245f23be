package dev.infer.loadtest.cli;

import dev.infer.loadtest.client.GrpcClient;
import dev.infer.loadtest.client.OpenAiClient;
import dev.infer.loadtest.client.OpenAiTarget;
import dev.infer.loadtest.client.TargetClient;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.Map;

/** Which server to load and how to talk to it. */
final class TargetOptions {
    enum Backend { completions, chat, grpc }

    @Option(names = "--backend", defaultValue = "completions",
            description = "completions (/v1/completions), chat (/v1/chat/completions) or grpc (inference.v1 Generate). "
                    + "Default: ${DEFAULT-VALUE}.")
    Backend backend;

    @Option(names = "--base-url", defaultValue = "http://127.0.0.1:8000",
            description = "OpenAI-compatible server base URL. Default: ${DEFAULT-VALUE}.")
    String baseUrl;

    @Option(names = "--grpc-address", defaultValue = "127.0.0.1:8001",
            description = "gRPC host:port for --backend grpc. Default: ${DEFAULT-VALUE}.")
    String grpcAddress;

    @Option(names = "--model", description = "Model name to send (default: none, the server's model).")
    String model;

    @Option(names = "--api-key", description = "Bearer token (default: $OPENAI_API_KEY if set).")
    String apiKey;

    @Option(names = "--temperature", description = "Sampling temperature (default: the server's).")
    Double temperature;

    @Option(names = "--extra-body", description = "JSON object merged into every HTTP request body.")
    String extraBody;

    TargetClient open() {
        String key = apiKey != null ? apiKey : System.getenv("OPENAI_API_KEY");
        double t = temperature == null ? Double.NaN : temperature;
        return switch (backend) {
            case grpc -> new GrpcClient(grpcAddress, model, key, t);
            case completions, chat -> new OpenAiClient(new OpenAiTarget(URI.create(baseUrl), backend == Backend.chat,
                    model, key, t, extraBody));
        };
    }

    void describe(Map<String, String> config) {
        config.put("backend", backend.name());
        config.put("target", backend == Backend.grpc ? grpcAddress : baseUrl);
        config.put("model", model == null ? "(server default)" : model);
        config.put("temperature", temperature == null ? "(server default)" : temperature.toString());
    }
}
