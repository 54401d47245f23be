package dev.infer.loadtest.client;

import dev.infer.loadtest.metrics.Outcome;
import dev.infer.server.grpc.v1.FinishReason;
import dev.infer.server.grpc.v1.GenerateRequest;
import dev.infer.server.grpc.v1.GenerateResponse;
import dev.infer.server.grpc.v1.InferenceServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Streams {@code inference.v1.InferenceService/Generate} (classes generated in this module from the server's
 * published .proto). Each response message is a chunk; its token ids count output tokens exactly, and the last
 * message's {@code timings.queue_ms} is the server's queue time. Prompts are sent as text; chat is HTTP-only.
 */
public final class GrpcClient implements TargetClient {
    private final ManagedChannel channel;
    private final InferenceServiceGrpc.InferenceServiceStub stub;
    private final String model;
    private final double temperature;

    public GrpcClient(String address, String model, String apiKey, double temperature) {
        this.channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
        InferenceServiceGrpc.InferenceServiceStub s = InferenceServiceGrpc.newStub(channel);
        if (apiKey != null && !apiKey.isBlank()) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
            s = s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        this.stub = s;
        this.model = model == null ? "" : model;
        this.temperature = temperature;
    }

    @Override
    public ClientResult send(GenerationRequest request, Duration timeout) {
        StreamRecorder recorder = new StreamRecorder(request.cancelAfterChunks());
        GenerateRequest.Builder b = GenerateRequest.newBuilder().setModel(model).setText(request.prompt())
                .setMaxTokens(request.maxTokens()).setIgnoreEos(request.ignoreEos());
        if (!Double.isNaN(temperature)) {
            b.setTemperature(temperature);
        }
        Observer observer = new Observer(recorder);
        stub.withDeadlineAfter(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS).generate(b.build(), observer);
        ClientResult result = recorder.await(timeout);
        if (result.outcome() != Outcome.OK) {
            observer.cancel("loadtest: " + result.outcome());
        }
        return result;
    }

    @Override
    public boolean supportsChat() {
        return false;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Turns response messages into chunks; cancels the call when the recorder asks. */
    private static final class Observer implements ClientResponseObserver<GenerateRequest, GenerateResponse> {
        private final StreamRecorder recorder;
        private volatile ClientCallStreamObserver<GenerateRequest> call;

        Observer(StreamRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<GenerateRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(GenerateResponse r) {
            if (recorder.chunk(r.getText(), null, r.getTokenIdsCount())) {
                recorder.finish(Outcome.CANCELLED, "cancelled", null);
                cancel("loadtest: cancelled mid-stream");
                return;
            }
            if (r.hasUsage()) {
                recorder.usage(r.getUsage().getPromptTokens(), r.getUsage().getCompletionTokens());
            }
            if (r.hasTimings()) {
                recorder.queueMs(r.getTimings().getQueueMs());
            }
            if (r.getFinishReason() == FinishReason.FINISH_REASON_ERROR) {
                recorder.finish(Outcome.ERROR, "stream_error", r.getError());
            }
        }

        @Override
        public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            recorder.finish(s.getCode() == Status.Code.DEADLINE_EXCEEDED ? Outcome.TIMEOUT : Outcome.ERROR,
                    s.getCode().name(), s.getDescription());
        }

        @Override
        public void onCompleted() {
            recorder.finish(Outcome.OK, "OK", null);
        }

        void cancel(String why) {
            ClientCallStreamObserver<GenerateRequest> c = call;
            if (c != null) {
                c.cancel(why, null);
            }
        }
    }
}
