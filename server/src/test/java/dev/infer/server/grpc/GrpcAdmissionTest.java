package dev.infer.server.grpc;

import dev.infer.engines.DeviceSpec;
import dev.infer.models.testing.SharedModels;
import dev.infer.server.TestEngine;
import dev.infer.server.grpc.v1.GenerateRequest;
import dev.infer.server.grpc.v1.InferenceServiceGrpc;
import dev.infer.server.grpc.v1.ListModelsRequest;
import dev.infer.server.model.LoadSettings;
import dev.infer.server.model.ModelLoader;
import dev.infer.server.model.WeightsFormat;
import dev.infer.server.serving.EngineSettings;
import dev.infer.server.serving.ServedModel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who gets in: a full queue answers RESOURCE_EXHAUSTED, a draining server UNAVAILABLE and NOT_SERVING. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcAdmissionTest {
    private ServedModel served;
    private InferenceGrpcServer server;
    private ManagedChannel channel;
    private InferenceServiceGrpc.InferenceServiceBlockingStub stub;

    @BeforeEach
    void start() {
        // the queue holds one request: a request for two choices can never enter it
        served = ServedModel.start(ModelLoader.load(new LoadSettings(SharedModels.model("tinystories-656k").toString(),
                TestEngine.name(), DeviceSpec.parse("cpu"), "auto", WeightsFormat.AUTO, 0, 0)), "tinystories",
                EngineSettings.defaults().withKvCacheMemory("64MiB").withMaxQueuedRequests(1));
        server = new InferenceGrpcServer("127.0.0.1", 0, null, served);
        server.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        stub = InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        try {
            server.close();
        } finally {
            served.close();
        }
    }

    private static GenerateRequest request(int n) {
        return GenerateRequest.newBuilder().setText("Once upon a time").setMaxTokens(3).setN(n).build();
    }

    private static Status.Code codeOf(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void aFullQueueIsResourceExhaustedAndTheServerStillServes() {
        assertThat(codeOf(() -> stub.generate(request(2)).forEachRemaining(r -> { }))).isEqualTo(
                Status.Code.RESOURCE_EXHAUSTED);
        assertThat(codeOf(() -> stub.generate(request(1)).forEachRemaining(r -> { }))).isEqualTo(Status.Code.OK);
    }

    @Test
    void aDrainingServerRefusesGenerationAndReportsNotServing() {
        var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        server.beginDrain();
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.NOT_SERVING);
        assertThatThrownBy(() -> stub.generate(request(1)).forEachRemaining(r -> { }))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsCount())
                .as("cheap calls are still answered while requests drain").isEqualTo(1);
    }
}
