package dev.infer.loadtest.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseChunkTest {
    @Test
    void completionsTextAndTokenIds() {
        SseChunk c = SseChunk.parse("data: {\"choices\":[{\"index\":0,\"text\":\" upon\",\"token_ids\":[42]}]}");
        assertThat(c.text()).isEqualTo(" upon");
        assertThat(c.tokenIds()).isEqualTo(1);
        assertThat(c.reasoning()).isNull();
        assertThat(c.hasUsage()).isFalse();
    }

    @Test
    void chatContentAndReasoning() {
        SseChunk answer = SseChunk.parse("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}");
        assertThat(answer.text()).isEqualTo("Hi");
        SseChunk thinking = SseChunk.parse("data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\"}}]}");
        assertThat(thinking.reasoning()).isEqualTo("hmm");
        assertThat(thinking.text()).isNull();
        assertThat(SseChunk.parse("data: {\"choices\":[{\"delta\":{\"reasoning\":\"so\"}}]}").reasoning())
                .isEqualTo("so");
    }

    @Test
    void usageChunkAndDone() {
        SseChunk u = SseChunk.parse("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}");
        assertThat(u.hasUsage()).isTrue();
        assertThat(u.promptTokens()).isEqualTo(7);
        assertThat(u.completionTokens()).isEqualTo(3);
        assertThat(SseChunk.parse("data: [DONE]")).isSameAs(SseChunk.DONE);
    }

    @Test
    void errorsAndNonDataLines() {
        assertThat(SseChunk.parse("data: {\"error\":{\"message\":\"boom\"}}").error()).isEqualTo("boom");
        assertThat(SseChunk.parse("data: {not json").error()).startsWith("unparseable");
        assertThat(SseChunk.parse("")).isNull();
        assertThat(SseChunk.parse(": keep-alive")).isNull();
    }

    @Test
    void recorderCountsOnlyOutputChunksAndSplitsReasoning() {
        StreamRecorder r = new StreamRecorder(0);
        r.chunk("", null, 0); // chat's role opener
        r.chunk(null, "think", 0);
        r.chunk("a", null, 1);
        r.chunk("b", null, 1);
        r.finish(dev.infer.loadtest.metrics.Outcome.OK, "200", null);
        ClientResult res = r.await(java.time.Duration.ofSeconds(1));
        assertThat(res.chunkMs()).hasSize(3);
        assertThat(res.reasoningChunks()).isEqualTo(1);
        assertThat(res.outputTokens()).isEqualTo(2); // token ids, as no usage came
        assertThat(res.answer()).isEqualTo("ab");
    }

    @Test
    void recorderAsksToCancelAtTheChosenChunkAndFirstEndingWins() {
        StreamRecorder r = new StreamRecorder(2);
        assertThat(r.chunk("a", null, 0)).isFalse();
        assertThat(r.chunk("b", null, 0)).isTrue();
        r.finish(dev.infer.loadtest.metrics.Outcome.CANCELLED, "cancelled", null);
        r.finish(dev.infer.loadtest.metrics.Outcome.OK, "200", null);
        assertThat(r.await(java.time.Duration.ofSeconds(1)).outcome())
                .isEqualTo(dev.infer.loadtest.metrics.Outcome.CANCELLED);
    }

    @Test
    void recorderTimesOut() {
        StreamRecorder r = new StreamRecorder(0);
        assertThat(r.await(java.time.Duration.ofMillis(20)).outcome())
                .isEqualTo(dev.infer.loadtest.metrics.Outcome.TIMEOUT);
    }
}
