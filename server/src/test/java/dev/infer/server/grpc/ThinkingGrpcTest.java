package dev.infer.server.grpc;

import dev.infer.server.grpc.v1.EndThinkingRequest;
import dev.infer.server.grpc.v1.GenerateRequest;
import dev.infer.server.grpc.v1.GenerateResponse;
import dev.infer.server.grpc.v1.InferenceServiceGrpc;
import dev.infer.server.grpc.v1.ThinkingEnd;
import dev.infer.server.serving.ServedModel;
import dev.infer.server.serving.ThinkingSettings;
import dev.infer.server.testing.TinyReasoningModel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.infer.server.testing.TinyReasoningModel.END;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Thinking budgets over the real gRPC server, on a tiny Qwen3 whose prompt (R1 style) opens the thinking block. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ThinkingGrpcTest {
    private static final String PROMPT = "<｜User｜>What is 2 + 2?<｜Assistant｜><think>\n";
    @TempDir
    static Path dir;
    static GrpcTestServer fixture;
    static ServedModel served;
    static ManagedChannel channel;

    @BeforeAll
    static void start() {
        fixture = GrpcTestServer.start(TinyReasoningModel.r1Distill(dir).toString(), "r1", ThinkingSettings.defaults());
        served = fixture.served;
        channel = fixture.channel;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
        return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void theBudgetEndsThinkingAndMessagesSplitReasoningFromText() {
        var it = stub().generate(GenerateRequest.newBuilder().setText(PROMPT).setMaxTokens(4).setTemperature(0)
                .setIgnoreEos(true).setThinkingTokenBudget(5).build());
        List<Integer> ids = new ArrayList<>();
        StringBuilder reasoning = new StringBuilder();
        StringBuilder text = new StringBuilder();
        GenerateResponse last = null;
        while (it.hasNext()) {
            last = it.next();
            ids.addAll(last.getTokenIdsList());
            reasoning.append(last.getReasoningText());
            text.append(last.getText());
        }
        int forcedEnd = served.forcedEndTokens();
        assertThat(ids.indexOf(END)).isEqualTo(5 + forcedEnd - 1);
        assertThat(ids).hasSize(5 + forcedEnd + 4);
        assertThat(last.getThinkingEnd()).isEqualTo(ThinkingEnd.THINKING_END_BUDGET);
        assertThat(last.getUsage().getReasoningTokens()).isEqualTo(5 + forcedEnd);
        assertThat(reasoning.toString()).contains("Considering the limited time");
        assertThat(text.toString()).isNotBlank().doesNotContain("Considering");
    }

    @Test
    void endThinkingEndsARunningStream() throws Exception {
        List<GenerateResponse> messages = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<String> ended = new CompletableFuture<>();
        InferenceServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).generate(
                GenerateRequest.newBuilder().setText(PROMPT).setMaxTokens(4).setTemperature(0).setIgnoreEos(true)
                        .setThinkingTokenBudget(3000).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(GenerateResponse r) {
                        messages.add(r);
                        if (messages.size() == 10) {
                            ended.completeAsync(() -> stub().endThinking(EndThinkingRequest.newBuilder()
                                    .setRequestId(r.getRequestId()).build()).getRequestId());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        done.get(60, TimeUnit.SECONDS);
        String id = ended.get(10, TimeUnit.SECONDS);
        assertThat(id).isEqualTo(messages.getFirst().getRequestId());
        assertThat(messages.getLast().getThinkingEnd()).isEqualTo(ThinkingEnd.THINKING_END_COMMAND);
        assertThat(messages.getLast().getUsage().getReasoningTokens()).isLessThan(1000);
        assertThatThrownBy(() -> stub().endThinking(EndThinkingRequest.newBuilder().setRequestId(id).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aBadEffortIsInvalid() {
        assertThatThrownBy(() -> stub().generate(GenerateRequest.newBuilder().setText(PROMPT).setReasoningEffort("max")
                .build()).hasNext()).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
