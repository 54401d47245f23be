package dev.infer.loadtest.e2e;

import dev.infer.engines.DeviceSpec;
import dev.infer.server.grpc.InferenceGrpcServer;
import dev.infer.server.http.HttpServerConfig;
import dev.infer.server.http.InferenceHttpServer;
import dev.infer.server.model.LoadSettings;
import dev.infer.server.model.ModelLoader;
import dev.infer.server.model.WeightsFormat;
import dev.infer.server.serving.EngineSettings;
import dev.infer.server.serving.ServedModel;

import java.nio.file.Path;

/** Our real server (HTTP and gRPC) over a real model on 127.0.0.1, ephemeral ports: the end-to-end target. */
final class LoopbackServer implements AutoCloseable {
    private final ServedModel served;
    private final InferenceHttpServer http;
    private final InferenceGrpcServer grpc;

    private LoopbackServer(ServedModel served, InferenceHttpServer http, InferenceGrpcServer grpc) {
        this.served = served;
        this.http = http;
        this.grpc = grpc;
    }

    static LoopbackServer start(Path model, String name) throws InterruptedException {
        ServedModel served = ServedModel.start(ModelLoader.load(new LoadSettings(model.toString(), "djl",
                DeviceSpec.parse("cpu"), "auto", WeightsFormat.AUTO, 0, 0)), name,
                EngineSettings.defaults().withKvCacheMemory("64MiB"));
        InferenceHttpServer http = new InferenceHttpServer(HttpServerConfig.loopback(0, null), served);
        InferenceGrpcServer grpc = new InferenceGrpcServer("127.0.0.1", 0, null, served);
        try {
            http.start();
            grpc.start();
        } catch (InterruptedException | RuntimeException e) {
            http.close();
            grpc.close();
            served.close();
            throw e;
        }
        return new LoopbackServer(served, http, grpc);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + http.port();
    }

    String grpcAddress() {
        return "127.0.0.1:" + grpc.port();
    }

    @Override
    public void close() {
        try {
            http.beginDrain();
            grpc.beginDrain();
            served.loop().close();
        } finally {
            http.close();
            grpc.close();
            served.close();
        }
    }
}
