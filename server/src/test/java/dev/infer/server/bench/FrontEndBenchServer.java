package dev.infer.server.bench;

import dev.infer.engines.DeviceSpec;
import dev.infer.server.grpc.InferenceGrpcServer;
import dev.infer.server.http.HttpServerConfig;
import dev.infer.server.http.InferenceHttpServer;
import dev.infer.server.model.LoadSettings;
import dev.infer.server.model.LoadedModel;
import dev.infer.server.model.ModelLoader;
import dev.infer.server.model.WeightsFormat;
import dev.infer.server.serving.EngineSettings;
import dev.infer.server.serving.ServedModel;

import java.util.concurrent.CountDownLatch;

/**
 * Our HTTP and gRPC servers over {@link InstantEngine}: a model directory's tokenizer and config, no model work.
 * {@code bin/frontend-benchmark} starts it and points the load-test harness at it.
 * Arguments: MODEL_DIR HTTP_PORT GRPC_PORT. Runs until SIGTERM.
 */
public final class FrontEndBenchServer {
    private FrontEndBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        LoadedModel real = ModelLoader.load(new LoadSettings(args[0], "djl", DeviceSpec.CPU, "auto",
                WeightsFormat.AUTO, 1, 0));
        real.engine().close(); // only its tokenizer and config are used
        LoadedModel instant = new LoadedModel(real.name(), real.directory(), real.config(), real.tokenizer(),
                real.specialTokens(), real.generationConfig(), real.chatTemplate(), new InstantEngine(real.config()),
                true);
        ServedModel served = ServedModel.start(instant, "instant", EngineSettings.defaults().withKvCacheMemory("64MiB"));
        InferenceHttpServer http = new InferenceHttpServer(HttpServerConfig.loopback(Integer.parseInt(args[1]), null),
                served).start();
        InferenceGrpcServer grpc = new InferenceGrpcServer("127.0.0.1", Integer.parseInt(args[2]), null, served);
        grpc.start();
        System.out.println("ready http=" + http.port() + " grpc=" + grpc.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            http.close();
            grpc.close();
            served.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
