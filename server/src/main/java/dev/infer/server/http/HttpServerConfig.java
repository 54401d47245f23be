package dev.infer.server.http;

/**
 * Where and how the HTTP front end listens.
 *
 * @param port            0 picks a free port ({@link InferenceHttpServer#port()} tells which)
 * @param apiKey          the Bearer token every /v1 request must carry, or null for none
 * @param maxBodyBytes    request bodies beyond this are answered 413
 * @param streams         keep-alive comments and the slow-reader limit of streamed answers
 * @param sendBufferBytes each connection's kernel send buffer (SO_SNDBUF), or 0 for the OS's autotuning; Linux
 *                        grows it to 4 MiB per connection, which a slow reader can fill before Netty's own limit
 *                        ({@link StreamLimits#maxPendingBytes()}) applies
 */
public record HttpServerConfig(String host, int port, String apiKey, int maxBodyBytes, StreamLimits streams,
                               int sendBufferBytes) {
    public static final int DEFAULT_MAX_BODY_BYTES = 8 << 20;

    public HttpServerConfig(String host, int port, String apiKey, int maxBodyBytes) {
        this(host, port, apiKey, maxBodyBytes, StreamLimits.defaults(), 0);
    }

    public static HttpServerConfig loopback(int port, String apiKey) {
        return new HttpServerConfig("127.0.0.1", port, apiKey, DEFAULT_MAX_BODY_BYTES);
    }

    public HttpServerConfig withStreams(StreamLimits limits, int sendBufferBytes) {
        return new HttpServerConfig(host, port, apiKey, maxBodyBytes, limits, sendBufferBytes);
    }
}
