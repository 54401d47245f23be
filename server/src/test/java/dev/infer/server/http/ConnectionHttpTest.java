package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What happens on the wire: uploads refused early, pipelined requests, slow readers, a full queue. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionHttpTest {
    /** Small enough (with a 64 KiB send buffer) that a stream nobody reads passes it long before it ends. */
    private static final long MAX_PENDING = 16 << 10;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(SharedModels.model("tinystories-656k").toString(), "tinystories",
                TestServer.smallCache(), HttpServerConfig.loopback(0, null)
                        .withStreams(new StreamLimits(Duration.ofSeconds(15), MAX_PENDING), 64 << 10));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anOversizedUploadIsRefusedBeforeItsBodyAndTheConnectionStaysUsable() throws Exception {
        int size = HttpServerConfig.DEFAULT_MAX_BODY_BYTES + 1;
        try (RawHttpConnection c = new RawHttpConnection(server.server.port(), 0)) {
            c.send("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + size + "\r\n\r\n");
            RawHttpConnection.Response refused = c.read(); // not one byte of the body sent yet
            assertThat(refused.status()).isEqualTo(413);
            assertThat(TestServer.JSON.readTree(refused.body()).at("/error/message").asText())
                    .contains(String.valueOf(HttpServerConfig.DEFAULT_MAX_BODY_BYTES));
            byte[] body = new byte[size];
            Arrays.fill(body, (byte) 'a');
            c.send(body); // discarded by the server, which keeps the connection
            c.send(RawHttpConnection.get("/health"));
            assertThat(c.read().status()).isEqualTo(200);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderTheyCame() throws Exception {
        try (RawHttpConnection c = new RawHttpConnection(server.server.port(), 0)) {
            c.send(RawHttpConnection.post("/v1/completions",
                    "{\"prompt\":\"Once upon a time\",\"max_tokens\":24,\"ignore_eos\":true,\"temperature\":0}")
                    + RawHttpConnection.get("/health")
                    + RawHttpConnection.post("/tokenize", "{\"prompt\":\"Once\"}")
                    + RawHttpConnection.post("/v1/completions",
                    "{\"prompt\":\"Once\",\"max_tokens\":3,\"ignore_eos\":true,\"stream\":true}")
                    + RawHttpConnection.get("/v1/models"));
            JsonNode first = TestServer.JSON.readTree(c.read().body());
            assertThat(first.get("object").asText()).isEqualTo("text_completion");
            assertThat(first.at("/usage/completion_tokens").asInt()).isEqualTo(24);
            assertThat(c.read().status()).as("health, after the generation").isEqualTo(200);
            assertThat(TestServer.JSON.readTree(c.read().body()).has("tokens")).isTrue();
            RawHttpConnection.Response stream = c.read();
            assertThat(stream.headers().get("content-type")).startsWith("text/event-stream");
            assertThat(stream.body()).endsWith("data: [DONE]\n\n");
            assertThat(TestServer.JSON.readTree(c.read().body()).get("object").asText()).isEqualTo("list");
        }
    }

    @Test
    void aClientThatDoesNotReadIsCutOffAndItsRequestFreed() throws Exception {
        // 4 choices x 20 alternatives per token: ~1 MB of stream against 128 KiB of kernel buffers and 16 KiB in Netty
        String body = "{\"prompt\":\"Once upon a time\",\"max_tokens\":400,\"ignore_eos\":true,\"stream\":true,"
                + "\"n\":4,\"logprobs\":20}";
        try (RawHttpConnection c = new RawHttpConnection(server.server.port(), 4096)) {
            c.send(RawHttpConnection.post("/v1/completions", body));
            awaitIdle();
            String got = c.readToEnd();
            assertThat(got).as("the stream was cut off, not finished").doesNotContain("[DONE]");
        }
        assertThat(server.post("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":2}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        try (TestServer tight = TestServer.start(SharedModels.model("tinystories-656k").toString(), "t", null,
                TestServer.smallCache().withMaxQueuedRequests(1))) {
            // the queue holds one request; two choices can never enter it
            var r = tight.post("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":2,\"n\":2}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            assertThat(r.headers().firstValue("retry-after")).isPresent();
            assertThat(TestServer.json(r).at("/error/type").asText()).isEqualTo("rate_limit_error");
            assertThat(tight.post("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":2}").statusCode())
                    .isEqualTo(200);
        }
    }

    /** Waits for the request to enter the engine loop, then for the loop to be empty with every block free. */
    private static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && server.served.loop().inFlight() == 0) {
            Thread.sleep(5);
        }
        assertThat(server.served.loop().inFlight()).as("the request started").isPositive();
        while (System.nanoTime() < deadline && (server.served.loop().inFlight() > 0
                || server.served.loop().stats().kvCache().usedBlocks() > 0)) {
            Thread.sleep(20);
        }
        assertThat(server.served.loop().inFlight()).isZero();
        assertThat(server.served.loop().stats().kvCache().usedBlocks()).isZero();
    }
}
