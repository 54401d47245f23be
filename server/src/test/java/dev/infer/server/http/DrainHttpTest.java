package dev.infer.server.http;

import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A draining server takes no new requests but lets the ones in flight finish within the grace period. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DrainHttpTest {

    @Test
    void inFlightRequestsFinishWhileNewOnesGet503() throws Exception {
        try (TestServer server = TestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories",
                null, TestServer.smallCache())) {
            String longRequest = "{\"prompt\":\"Once upon a time\",\"max_tokens\":300,\"temperature\":0,\"ignore_eos\":true}";
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.post("/v1/completions", longRequest);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 500 && server.served.loop().inFlight() == 0; i++) {
                Thread.sleep(10);
            }
            assertThat(server.served.loop().inFlight()).isEqualTo(1);
            server.server.beginDrain();
            // Draining closes the listening socket: a new connection is refused (a kept-alive one would get 503).
            try {
                assertThat(server.post("/v1/completions", longRequest).statusCode()).isEqualTo(503);
            } catch (java.net.ConnectException refused) {
                assertThat(refused).isNotNull();
            }
            assertThat(server.served.awaitIdle(Duration.ofSeconds(60))).isTrue();
            HttpResponse<String> finished = inFlight.get(60, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(TestServer.json(finished).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
            assertThat(server.served.loop().inFlight()).isZero();
        }
    }
}
