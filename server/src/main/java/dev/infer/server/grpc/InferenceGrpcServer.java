package dev.infer.server.grpc;

import dev.infer.server.grpc.v1.InferenceServiceGrpc;
import dev.infer.server.serving.ServedModel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server's lifecycle only: binds {@code host:port} (Netty transport, grpc's shaded copy so it cannot clash
 * with the HTTP server's Netty), serves {@link InferenceGrpcService}, {@code grpc.health.v1} and reflection v1, and
 * shuts down. The logic lives in {@link InferenceGrpcService}.
 */
public final class InferenceGrpcServer implements AutoCloseable {
    private static final String SERVICE_NAME = InferenceServiceGrpc.SERVICE_NAME;

    private final String host;
    private final int requestedPort;
    private final String apiKey;
    private final InferenceGrpcService service;
    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;

    /** @param apiKey null for none; otherwise the inference service requires {@code authorization: Bearer KEY} */
    public InferenceGrpcServer(String host, int port, String apiKey, ServedModel served) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--grpc-port must be in [0, 65535], got " + port);
        }
        this.host = host;
        this.requestedPort = port;
        this.apiKey = apiKey;
        this.service = new InferenceGrpcService(served);
    }

    public synchronized void start() {
        var inference = apiKey == null ? service.bindService()
                : ServerInterceptors.intercept(service, new ApiKeyInterceptor(apiKey));
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress(host, requestedPort))
                .addService(inference)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
        try {
            s.start();
        } catch (IOException e) {
            throw new UncheckedIOException("gRPC server could not bind " + host + ":" + requestedPort, e);
        }
        server = s;
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return server.getPort();
    }

    /** Stops admitting: new Generate calls get UNAVAILABLE and health says NOT_SERVING. */
    public void beginDrain() {
        service.beginDrain();
        health.enterTerminalState();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        beginDrain();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            service.close();
            server = null;
        }
    }
}
