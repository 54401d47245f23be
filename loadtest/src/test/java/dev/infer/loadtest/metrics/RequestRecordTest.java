package dev.infer.loadtest.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RequestRecordTest {
    static RequestRecord ok(int index, double startMs, double endMs, int out, double... chunks) {
        return new RequestRecord(index, index, 0, startMs, chunks, endMs, 10, out, 0, Outcome.OK, "200", null, null);
    }

    @Test
    void ttftIsTheFirstChunk() {
        assertThat(ok(0, 0, 500, 4, 100, 200, 350, 500).ttftMs()).isEqualTo(100);
    }

    @Test
    void tpotIsTheTimeAfterTheFirstTokenPerLaterToken() {
        // E2E 500, TTFT 100, 5 tokens: (500 - 100) / 4 = 100
        assertThat(ok(0, 0, 500, 5, 100, 200, 300, 400, 500).tpotMs()).isEqualTo(100);
        // Usage says 9 tokens over 5 chunks: the token count, not the chunk count, divides.
        assertThat(ok(0, 0, 500, 9, 100, 200, 300, 400, 500).tpotMs()).isEqualTo(50);
    }

    @Test
    void tpotIsUndefinedBelowTwoTokens() {
        assertThat(ok(0, 0, 120, 1, 100).tpotMs()).isNaN();
        assertThat(ok(0, 0, 120, 0).tpotMs()).isNaN();
        assertThat(ok(0, 0, 120, 0).ttftMs()).isNaN();
    }

    @Test
    void itlIsEveryGapBetweenChunks() {
        assertThat(ok(0, 0, 600, 4, 100, 150, 350, 600).itlMs()).containsExactly(50, 200, 250);
        assertThat(ok(0, 0, 100, 1, 100).itlMs()).isEmpty();
    }

    @Test
    void endInRunTimeAddsTheStart() {
        assertThat(ok(0, 1000, 250, 2, 100, 250).endRunMs()).isCloseTo(1250, within(1e-9));
    }

    @Test
    void chunkTimesMustNotGoBack() {
        assertThatThrownBy(() -> ok(0, 0, 100, 2, 50, 40)).isInstanceOf(IllegalArgumentException.class);
    }
}
