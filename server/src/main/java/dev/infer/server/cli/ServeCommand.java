package dev.infer.server.cli;

import dev.infer.batching.kv.KvCacheSizing;
import dev.infer.server.grpc.InferenceGrpcServer;
import dev.infer.server.http.HttpServerConfig;
import dev.infer.server.http.InferenceHttpServer;
import dev.infer.server.http.StreamLimits;
import dev.infer.server.model.LoadedModel;
import dev.infer.server.model.ModelLoader;
import dev.infer.server.serving.EngineSettings;
import dev.infer.server.serving.ServedModel;
import dev.infer.server.serving.ThinkingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: the OpenAI-compatible HTTP server over one model, until SIGTERM / Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over an OpenAI-compatible HTTP API and gRPC.")
final class ServeCommand implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ThinkingOptions thinkingOptions;

    @Option(names = "--served-model-name", description = "The model name clients use. Default: the model's name.")
    String servedModelName;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "HTTP port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--grpc-port", defaultValue = "8001",
            description = "gRPC port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int grpcPort;

    @Option(names = "--api-key", description = "Require 'Authorization: Bearer KEY' on /v1 requests.")
    String apiKey;

    @Option(names = "--block-size", defaultValue = "16", description = "Tokens per KV block. Default: ${DEFAULT-VALUE}.")
    int blockSize;

    @Option(names = "--kv-cache-memory", paramLabel = "SIZE", description = "KV cache size, e.g. 2GiB (overrides --kv-cache-fraction).")
    String kvCacheMemory;

    @Option(names = "--kv-cache-fraction", defaultValue = "0.3",
            description = "KV cache as a fraction of available memory. Default: ${DEFAULT-VALUE}.")
    double kvCacheFraction;

    @Option(names = "--max-num-batched-tokens", defaultValue = "2048", description = "Tokens per step. Default: ${DEFAULT-VALUE}.")
    int maxNumBatchedTokens;

    @Option(names = "--max-num-seqs", defaultValue = "256", description = "Sequences per step. Default: ${DEFAULT-VALUE}.")
    int maxNumSeqs;

    @Option(names = "--max-queued-requests", defaultValue = "10000",
            description = "Waiting requests beyond which the server answers 429. Default: ${DEFAULT-VALUE}.")
    int maxQueuedRequests;

    @Option(names = "--enable-prefix-caching", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Reuse KV blocks of shared prompt prefixes. Default: ${DEFAULT-VALUE}.")
    boolean prefixCaching;

    @Option(names = "--shutdown-grace", defaultValue = "20",
            description = "Seconds a stopping server lets in-flight requests finish before aborting them. "
                    + "Default: ${DEFAULT-VALUE}.")
    int shutdownGraceSeconds;

    @Option(names = "--sse-keep-alive", defaultValue = "15",
            description = "Seconds of silence after which a stream gets an SSE ': keep-alive' comment. "
                    + "Default: ${DEFAULT-VALUE}.")
    int sseKeepAliveSeconds;

    @Option(names = "--max-unread-stream", paramLabel = "SIZE", defaultValue = "4MiB",
            description = "A client that leaves more than this of its stream unread is disconnected and its request "
                    + "cancelled. Default: ${DEFAULT-VALUE}.")
    String maxUnreadStream;

    @Override
    public void run() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        }
        if (shutdownGraceSeconds < 0) {
            throw new IllegalArgumentException("--shutdown-grace must be >= 0, got " + shutdownGraceSeconds);
        }
        if (grpcPort < 0 || grpcPort > 65535) {
            throw new IllegalArgumentException("--grpc-port must be in [0, 65535], got " + grpcPort);
        }
        EngineSettings settings = new EngineSettings(blockSize, kvCacheMemory, kvCacheFraction, maxNumBatchedTokens,
                maxNumSeqs, maxQueuedRequests, prefixCaching);
        ThinkingSettings thinking = thinkingOptions.settings();
        LoadedModel model = ModelLoader.load(modelOptions.settings());
        if (model.randomWeights()) {
            LOG.warn("{} runs on random weights: its text is random", model.name());
        }
        ServedModel served;
        try {
            served = ServedModel.start(model, servedModelName, settings, thinking);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        InferenceHttpServer server = new InferenceHttpServer(httpConfig(), served);
        InferenceGrpcServer grpc = new InferenceGrpcServer(host, grpcPort, apiKey, served);
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            server.start();
            grpc.start();
            var info = model.engine().info();
            LOG.info("serving model={} as '{}' engine={} device={} dtype={} kv_blocks={} (block size {}) http={}:{} ({}) grpc={}:{}",
                    model.name(), served.servedName(), info.engineName(), info.device(), info.computeType(),
                    served.kvBlocks(), blockSize, host, server.port(), server.transport(), host, grpc.port());
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                shutdown(server, grpc, served, shutdownGraceSeconds);
                stopped.countDown();
            }));
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(server, grpc, served, shutdownGraceSeconds);
        } catch (RuntimeException e) {
            shutdown(server, grpc, served, shutdownGraceSeconds);
            throw e;
        }
    }

    private HttpServerConfig httpConfig() {
        if (sseKeepAliveSeconds <= 0) {
            throw new IllegalArgumentException("--sse-keep-alive must be > 0, got " + sseKeepAliveSeconds);
        }
        StreamLimits streams = new StreamLimits(Duration.ofSeconds(sseKeepAliveSeconds),
                KvCacheSizing.parseBytes(maxUnreadStream, "--max-unread-stream"));
        return new HttpServerConfig(host, port, apiKey, HttpServerConfig.DEFAULT_MAX_BODY_BYTES).withStreams(streams, 0);
    }

    /** Stop accepting, let in-flight requests finish within the grace period, abort the rest, then exit. */
    private static void shutdown(InferenceHttpServer server, InferenceGrpcServer grpc, ServedModel served,
                                 int graceSeconds) {
        LOG.info("shutting down: no new requests; waiting up to {} s for {} in flight", graceSeconds,
                served.loop().inFlight());
        try {
            server.beginDrain();
            grpc.beginDrain();
            if (!served.awaitIdle(Duration.ofSeconds(graceSeconds))) {
                LOG.warn("grace period over: aborting {} requests", served.loop().inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                served.loop().close();
            } finally {
                try {
                    server.close();
                    grpc.close();
                } finally {
                    served.close();
                }
            }
        }
    }
}
