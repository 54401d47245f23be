package dev.infer.server.http;

/**
 * Where and how the HTTP front end listens.
 *
 * @param port         0 picks a free port ({@link InferenceHttpServer#port()} tells which)
 * @param apiKey       the Bearer token every /v1 request must carry, or null for none
 * @param maxBodyBytes request bodies beyond this are answered 413
 */
public record HttpServerConfig(String host, int port, String apiKey, int maxBodyBytes) {
    public static final int DEFAULT_MAX_BODY_BYTES = 8 << 20;

    public static HttpServerConfig loopback(int port, String apiKey) {
        return new HttpServerConfig("127.0.0.1", port, apiKey, DEFAULT_MAX_BODY_BYTES);
    }
}
