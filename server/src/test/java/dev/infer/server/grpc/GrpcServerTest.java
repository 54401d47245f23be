package dev.infer.server.grpc;

import dev.infer.batching.loop.GenerationRequest;
import dev.infer.batching.loop.TokenDelta;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.models.testing.SharedModels;
import dev.infer.server.grpc.v1.DetokenizeRequest;
import dev.infer.server.grpc.v1.FinishReason;
import dev.infer.server.grpc.v1.GenerateRequest;
import dev.infer.server.grpc.v1.GenerateResponse;
import dev.infer.server.grpc.v1.InferenceServiceGrpc;
import dev.infer.server.grpc.v1.ListModelsRequest;
import dev.infer.server.grpc.v1.TokenIds;
import dev.infer.server.grpc.v1.TokenizeRequest;
import dev.infer.server.serving.ServedModel;
import dev.infer.server.serving.ThinkingSettings;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real gRPC server (Netty, 127.0.0.1, an ephemeral port) over tinystories-656k, used through a real channel. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcServerTest {
    static final String PROMPT = "Once upon a time";

    static ServedModel served;
    static InferenceGrpcServer server;
    static ManagedChannel channel;
    static InferenceServiceGrpc.InferenceServiceBlockingStub stub;

    static GrpcTestServer fixture;

    @BeforeAll
    static void start() {
        fixture = GrpcTestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories",
                ThinkingSettings.defaults());
        served = fixture.served;
        server = fixture.server;
        channel = fixture.channel;
        stub = InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** The engine loop's own greedy text for the prompt, without any front end. */
    static String engineGreedy(int maxTokens) throws Exception {
        int[] ids = served.model().tokenizer().encode(PROMPT, true);
        StringBuilder text = new StringBuilder();
        CompletableFuture<Void> done = new CompletableFuture<>();
        served.loop().submit(GenerationRequest.of(ids, SamplingParams.builder().temperature(0).maxTokens(maxTokens)
                .build()), (TokenDelta d) -> {
            if (d.text() != null) {
                text.append(d.text());
            }
            if (d.isFinal()) {
                done.complete(null);
            }
        });
        done.get(60, TimeUnit.SECONDS);
        return text.toString();
    }

    @Test
    void greedyIdsOverGrpcEqualTheReference() throws Exception {
        var cases = new com.fasterxml.jackson.databind.ObjectMapper().readTree(SharedModels.model("tinystories-656k")
                .resolve("REFERENCE_GREEDY.json").toFile()).get("cases");
        for (var c : cases) {
            var prompt = dev.infer.server.grpc.v1.TokenIds.newBuilder();
            c.get("input_ids").forEach(id -> prompt.addIds(id.intValue()));
            var it = stub.generate(GenerateRequest.newBuilder().setModel("tinystories").setTokenIds(prompt)
                    .setMaxTokens(c.get("greedy_ids").size()).setTemperature(0).build());
            List<Integer> ids = new ArrayList<>();
            it.forEachRemaining(r -> ids.addAll(r.getTokenIdsList()));
            List<Integer> expected = new ArrayList<>();
            c.get("greedy_ids").forEach(id -> expected.add(id.intValue()));
            assertThat(ids).as("prompt %s", c.get("prompt")).isEqualTo(expected);
        }
    }

    @Test
    void greedyGenerateMatchesTheEngine() throws Exception {
        var it = stub.generate(GenerateRequest.newBuilder().setModel("tinystories").setText(PROMPT).setMaxTokens(12)
                .setTemperature(0).build());
        StringBuilder text = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        GenerateResponse last = null;
        while (it.hasNext()) {
            last = it.next();
            text.append(last.getText());
            ids.addAll(last.getTokenIdsList());
        }
        assertThat(text.toString()).startsWith(", a little girl named Lily").isEqualTo(engineGreedy(12));
        assertThat(ids).hasSize(12);
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(last.getUsage().getPromptTokens()).isEqualTo(6);
        assertThat(last.getUsage().getCompletionTokens()).isEqualTo(12);
        assertThat(last.getUsage().getTotalTokens()).isEqualTo(18);
        assertThat(last.hasTimings()).isTrue();
        assertThat(last.getRequestId()).isNotEmpty();
    }

    @Test
    void tokenIdPromptAndLogprobs() {
        var it = stub.generate(GenerateRequest.newBuilder().setTokenIds(TokenIds.newBuilder()
                .addAllIds(List.of(1, 80, 147, 201, 282, 57))).setMaxTokens(4).setTemperature(0).setLogprobs(true)
                .setTopLogprobs(3).build());
        int tokens = 0;
        while (it.hasNext()) {
            GenerateResponse r = it.next();
            tokens += r.getTokenIdsCount();
            assertThat(r.getLogprobsCount()).isEqualTo(r.getTokenIdsCount());
            r.getLogprobsList().forEach(lp -> assertThat(lp.getTopCount()).isEqualTo(3));
        }
        assertThat(tokens).isEqualTo(4);
    }

    @Test
    void seededSamplingWithTwoChoices() {
        var it = stub.generate(GenerateRequest.newBuilder().setText(PROMPT).setMaxTokens(8).setN(2).setSeed(42)
                .setTemperature(0.8).build());
        Map<Integer, Integer> finals = new HashMap<>();
        Map<Integer, StringBuilder> texts = new HashMap<>();
        while (it.hasNext()) {
            GenerateResponse r = it.next();
            texts.computeIfAbsent(r.getIndex(), i -> new StringBuilder()).append(r.getText());
            if (r.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                finals.merge(r.getIndex(), 1, Integer::sum);
                assertThat(r.hasUsage()).isTrue();
            }
        }
        assertThat(finals).containsOnlyKeys(0, 1).containsValues(1);
        assertThat(texts.get(0)).isNotEmpty();
        assertThat(texts.get(1)).isNotEmpty();
    }

    @Test
    void tokenizeAndDetokenize() {
        var tok = stub.tokenize(TokenizeRequest.newBuilder().setText(PROMPT).build());
        assertThat(tok.getTokenIdsList()).containsExactly(1, 80, 147, 201, 282, 57);
        assertThat(tok.getCount()).isEqualTo(6);
        var text = stub.detokenize(DetokenizeRequest.newBuilder().addAllTokenIds(tok.getTokenIdsList()).build());
        assertThat(text.getText()).isEqualTo(PROMPT);
    }

    @Test
    void listModels() {
        var models = stub.listModels(ListModelsRequest.getDefaultInstance());
        assertThat(models.getModelsList()).singleElement().satisfies(m -> {
            assertThat(m.getId()).isEqualTo("tinystories");
            assertThat(m.getMaxModelLen()).isPositive();
        });
    }

    @Test
    void badTemperatureIsInvalidArgument() {
        assertThatThrownBy(() -> stub.generate(GenerateRequest.newBuilder().setText(PROMPT).setTemperature(-1)
                .setMaxTokens(4).build()).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("temperature");
                });
        assertThatThrownBy(() -> stub.generate(GenerateRequest.newBuilder().setMaxTokens(4).build()).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> stub.generate(GenerateRequest.newBuilder().setText(PROMPT).setMaxTokens(1_000_000)
                .build()).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("max_tokens");
                });
    }

    @Test
    void unknownModelIsNotFound() {
        assertThatThrownBy(() -> stub.generate(GenerateRequest.newBuilder().setModel("gpt-4").setText(PROMPT)
                .setMaxTokens(4).build()).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("gpt-4");
                });
        assertThatThrownBy(() -> stub.tokenize(TokenizeRequest.newBuilder().setModel("gpt-4").setText("x").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void clientCancellationFreesTheKvBlocks() throws Exception {
        int max = served.contextLength() - 16;
        AtomicInteger received = new AtomicInteger();
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        InferenceServiceGrpc.newStub(channel).generate(GenerateRequest.newBuilder().setText(PROMPT)
                .setMaxTokens(max).setIgnoreEos(true).setTemperature(0).build(),
                new ClientResponseObserver<GenerateRequest, GenerateResponse>() {
                    ClientCallStreamObserver<GenerateRequest> call;

                    @Override
                    public void beforeStart(ClientCallStreamObserver<GenerateRequest> requestStream) {
                        call = requestStream;
                    }

                    @Override
                    public void onNext(GenerateResponse value) {
                        if (received.incrementAndGet() == 3) {
                            call.cancel("client goes away", null);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        error.set(t);
                        ended.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        ended.countDown();
                    }
                });
        assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Status.fromThrowable(error.get()).getCode()).isEqualTo(Status.Code.CANCELLED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && (served.loop().stats().running() > 0
                || served.loop().stats().kvCache().usedBlocks() > 0)) {
            Thread.sleep(20);
        }
        assertThat(served.loop().stats().running()).isZero();
        assertThat(served.loop().stats().kvCache().usedBlocks()).isZero();
        // and the server still serves
        assertThat(stub.tokenize(TokenizeRequest.newBuilder().setText(PROMPT).build()).getCount()).isEqualTo(6);
    }

    @Test
    void healthIsServing() {
        var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("inference.v1.InferenceService").build())
                .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void reflectionListsTheService() throws Exception {
        CompletableFuture<ServerReflectionResponse> response = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        response.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        response.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = response.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).toList();
        requests.onCompleted();
        assertThat(names).contains("inference.v1.InferenceService", "grpc.health.v1.Health");
    }

    @Test
    void apiKeyIsRequiredWhenConfigured() throws Exception {
        try (InferenceGrpcServer keyed = new InferenceGrpcServer("127.0.0.1", 0, "sekret", served)) {
            keyed.start();
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", keyed.port()).usePlaintext().build();
            try {
                var anonymous = InferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> anonymous.listModels(ListModelsRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
                Metadata wrong = new Metadata();
                wrong.put(ApiKeyInterceptor.AUTHORIZATION, "Bearer nope");
                assertThatThrownBy(() -> anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(wrong))
                        .listModels(ListModelsRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
                Metadata right = new Metadata();
                right.put(ApiKeyInterceptor.AUTHORIZATION, "Bearer sekret");
                assertThat(anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(right))
                        .listModels(ListModelsRequest.getDefaultInstance()).getModelsCount()).isEqualTo(1);
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
