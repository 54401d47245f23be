package dev.infer.batching.sampling;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Exact logit edits on small rows: each expected value is worked out by hand from the vLLM definitions. */
class LogitsProcessorTest {
    private static float[] apply(LogitsProcessor processor, float... logits) {
        float[] row = logits.clone();
        processor.apply(row, row.length);
        return row;
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfPromptAndOutputTokens() {
        LogitsProcessor p = new LogitsProcessor(SamplingParams.builder().repetitionPenalty(2).build(),
                new int[]{1, 1, 2}, new int[0]);
        p.record(4);
        // ids 1, 2 (prompt) and 4 (output) are penalized once each, however often they occurred.
        assertThat(apply(p, 1f, 3f, -2f, 5f, 0.5f, -1f)).containsExactly(1f, 1.5f, -4f, 5f, 0.25f, -1f);
    }

    @Test
    void presenceAndFrequencyPenaltiesCountOutputTokensOnly() {
        LogitsProcessor p = new LogitsProcessor(SamplingParams.builder().presencePenalty(0.5).frequencyPenalty(0.25)
                .build(), new int[]{0, 0, 0}, new int[0]);
        p.record(2);
        p.record(3);
        p.record(3);
        // logit - frequency × count - presence: id 2 → 1 - 0.25 - 0.5; id 3 → 1 - 0.5 - 0.5; prompt id 0 untouched.
        assertThat(apply(p, 1f, 1f, 1f, 1f)).containsExactly(1f, 1f, 0.25f, 0f);
    }

    @Test
    void negativePenaltiesEncourageRepeats() {
        LogitsProcessor p = new LogitsProcessor(SamplingParams.builder().presencePenalty(-1).frequencyPenalty(-0.5)
                .build(), new int[0], new int[0]);
        p.record(1);
        p.record(1);
        assertThat(apply(p, 0f, 0f)).containsExactly(0f, 2f);
    }

    @Test
    void biasComesBeforeTheRepetitionPenalty() {
        // 1 + 3 = 4, then / 2: the penalty sees the biased logit (and -1 - 3 = -4, then × 2).
        LogitsProcessor p = new LogitsProcessor(SamplingParams.builder().logitBias(Map.of(0, 3f, 1, -3f))
                .repetitionPenalty(2).build(), new int[]{0, 1}, new int[0]);
        assertThat(apply(p, 1f, -1f, 7f)).containsExactly(2f, -8f, 7f);
    }

    @Test
    void minTokensMasksEosAndStopIdsUntilEnoughTokensExist() {
        LogitsProcessor p = new LogitsProcessor(SamplingParams.builder().minTokens(2).stopTokenIds(Set.of(3))
                .build(), new int[0], new int[]{0, 9999});
        float inf = Float.NEGATIVE_INFINITY;
        assertThat(apply(p, 1f, 2f, 3f, 4f)).containsExactly(inf, 2f, 3f, inf);
        p.record(1);
        assertThat(apply(p, 1f, 2f, 3f, 4f)).containsExactly(inf, 2f, 3f, inf);
        p.record(2);
        assertThat(apply(p, 1f, 2f, 3f, 4f)).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void ignoreEosLeavesEosUnmaskedButStillMasksStopIds() {
        LogitsProcessor p = new LogitsProcessor(SamplingParams.builder().minTokens(1).stopTokenIds(Set.of(3))
                .ignoreEos(true).build(), new int[0], new int[]{0});
        assertThat(apply(p, 1f, 2f, 3f, 4f)).containsExactly(1f, 2f, 3f, Float.NEGATIVE_INFINITY);
    }

    @Test
    void withNothingSetTheRowIsUntouched() {
        LogitsProcessor p = new LogitsProcessor(SamplingParams.builder().build(), new int[]{0, 1}, new int[]{0});
        p.record(1);
        assertThat(apply(p, 1f, -2f, 3f)).containsExactly(1f, -2f, 3f);
    }
}
