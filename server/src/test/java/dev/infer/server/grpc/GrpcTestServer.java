package dev.infer.server.grpc;

import dev.infer.engines.DeviceSpec;
import dev.infer.server.TestEngine;
import dev.infer.server.model.LoadSettings;
import dev.infer.server.model.ModelLoader;
import dev.infer.server.model.WeightsFormat;
import dev.infer.server.serving.EngineSettings;
import dev.infer.server.serving.ServedModel;
import dev.infer.server.serving.ThinkingSettings;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.util.concurrent.TimeUnit;

/** A real model behind the real gRPC server on 127.0.0.1 (an ephemeral port), and a plaintext channel to it. */
final class GrpcTestServer implements AutoCloseable {
    final ServedModel served;
    final InferenceGrpcServer server;
    final ManagedChannel channel;

    private GrpcTestServer(ServedModel served, InferenceGrpcServer server, ManagedChannel channel) {
        this.served = served;
        this.server = server;
        this.channel = channel;
    }

    static GrpcTestServer start(String model, String servedName, ThinkingSettings thinking) {
        ServedModel served = ServedModel.start(ModelLoader.load(new LoadSettings(model, TestEngine.name(), DeviceSpec.parse("cpu"),
                "auto", WeightsFormat.AUTO, 0, 0)), servedName, EngineSettings.defaults().withKvCacheMemory("64MiB"),
                thinking);
        InferenceGrpcServer server = new InferenceGrpcServer("127.0.0.1", 0, null, served);
        try {
            server.start();
        } catch (RuntimeException e) {
            served.close();
            throw e;
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        return new GrpcTestServer(served, server, channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        try {
            server.close();
        } finally {
            served.close();
        }
    }
}
