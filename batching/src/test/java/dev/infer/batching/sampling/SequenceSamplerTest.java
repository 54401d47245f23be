package dev.infer.batching.sampling;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SequenceSamplerTest {
    private static final float[] TIED = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f};
    private static final int[] NONE = new int[0];

    private static int greedy(SamplingParams.Builder b, int[] prompt, float[] logits) {
        return new SequenceSampler(b.temperature(0).build(), prompt, NONE).sample(logits).tokenId();
    }

    @Test
    void greedyTakesTheLowestIdAmongEqualMaxima() {
        assertThat(greedy(SamplingParams.builder(), NONE, TIED)).isEqualTo(1);
        assertThat(new SequenceSampler(SamplingParams.builder().topK(1).seed(5L).build(), NONE, NONE)
                .sample(TIED).tokenId()).isEqualTo(1);
    }

    @Test
    void greedyStillAppliesBiasAndPenalties() {
        assertThat(greedy(SamplingParams.builder().logitBias(Map.of(1, -0.5f)), NONE, TIED)).isEqualTo(3);
        assertThat(greedy(SamplingParams.builder().logitBias(Map.of(4, 10f)), NONE, TIED)).isEqualTo(4);
        assertThat(greedy(SamplingParams.builder().repetitionPenalty(1.2), new int[]{1, 1}, TIED)).isEqualTo(3);
    }

    @Test
    void presenceAndFrequencyPenaltiesFollowTheGeneratedTokens() {
        // Presence costs 0.6 once: 1 (tie), 3, then 1 and 3 tie at 2.4 and stay there, so 1 on ties.
        SequenceSampler presence = new SequenceSampler(SamplingParams.builder().temperature(0).presencePenalty(0.6)
                .build(), NONE, NONE);
        for (int expected : new int[]{1, 3, 1, 1, 1}) {
            assertThat(presence.sample(TIED).tokenId()).isEqualTo(expected);
        }
        // Frequency costs 0.6 per occurrence: 1, 3, 1 (2.4 tie), 3 (1.8 < 2.4), then 2 (2.0 beats 1.8 and 1.8).
        SequenceSampler frequency = new SequenceSampler(SamplingParams.builder().temperature(0).frequencyPenalty(0.6)
                .build(), NONE, NONE);
        for (int expected : new int[]{1, 3, 1, 3, 2}) {
            assertThat(frequency.sample(TIED).tokenId()).isEqualTo(expected);
        }
        assertThat(frequency.generated()).isEqualTo(5);
    }

    @Test
    void sameSeedSameTokensWhateverIsInterleaved() {
        SamplingParams params = SamplingParams.builder().temperature(1.5).topP(0.9).seed(99L).build();
        float[] logits = new float[200];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian();
        }
        SequenceSampler alone = new SequenceSampler(params, NONE, NONE);
        int[] expected = new int[100];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = alone.sample(logits).tokenId();
        }
        // The same request sampled among others that share its workspace, with and without seeds, in a batch buffer.
        SamplingWorkspace shared = new SamplingWorkspace();
        SequenceSampler again = new SequenceSampler(params, NONE, NONE, shared);
        SequenceSampler other = new SequenceSampler(SamplingParams.builder().topK(5).seed(99L).build(), NONE, NONE, shared);
        SequenceSampler unseeded = new SequenceSampler(SamplingParams.builder().build(), NONE, NONE, shared);
        float[] batch = new float[3 * logits.length];
        for (int row = 0; row < 3; row++) {
            System.arraycopy(logits, 0, batch, row * logits.length, logits.length);
        }
        for (int i = 0; i < expected.length; i++) {
            other.sample(batch, 0, logits.length);
            assertThat(again.sample(batch, logits.length, logits.length).tokenId()).as("draw %d", i).isEqualTo(expected[i]);
            unseeded.sample(batch, 2 * logits.length, logits.length);
        }
    }

    @Test
    void theCallersLogitsAreNotModified() {
        float[] logits = TIED.clone();
        SequenceSampler sampler = new SequenceSampler(SamplingParams.builder().logitBias(Map.of(0, 5f))
                .repetitionPenalty(2).minTokens(2).stopTokenIds(Set.of(3)).build(), new int[]{1}, NONE);
        sampler.sample(logits);
        assertThat(logits).containsExactly(TIED);
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheProcessedLogits() {
        float[] logits = {0.3f, -1.2f, 2.5f, 2.5f, 0f, 1.1f, -4f, 0.7f, 3.2f, -0.4f};
        SamplingParams params = SamplingParams.builder().temperature(0.3).topK(3).seed(4L).logprobs(true)
                .topLogprobs(20).logitBias(Map.of(9, 4f)).build();
        SampleResult result = new SequenceSampler(params, NONE, NONE).sample(logits);
        float[] processed = logits.clone();
        processed[9] += 4f; // bias counts; temperature and top-k do not
        double z = 0;
        for (float l : processed) {
            z += Math.exp(l);
        }
        assertThat(result.topTokenIds()).hasSize(10).containsExactly(9, 8, 2, 3, 5, 7, 0, 4, 1, 6);
        double sum = 0;
        for (int i = 0; i < 10; i++) {
            int id = result.topTokenIds()[i];
            assertThat((double) result.topLogprobs()[i]).isCloseTo(processed[id] - Math.log(z), within(1e-5));
            if (i > 0) {
                assertThat(result.topLogprobs()[i]).isLessThanOrEqualTo(result.topLogprobs()[i - 1]);
            }
            sum += Math.exp(result.topLogprobs()[i]);
        }
        assertThat(sum).isCloseTo(1.0, within(1e-5));
        assertThat((double) result.logprob()).isCloseTo(processed[result.tokenId()] - Math.log(z), within(1e-5));
    }

    @Test
    void topLogprobsAreTheLargestOnAWideRowAndAbsentUnlessAsked() {
        float[] logits = new float[151_936];
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian();
        }
        logits[100_000] = 9;
        logits[7] = 8;
        SampleResult result = new SequenceSampler(SamplingParams.builder().seed(1L).logprobs(true).topLogprobs(5).build(),
                NONE, NONE).sample(logits);
        assertThat(result.topTokenIds()).hasSize(5).startsWith(100_000, 7);
        float fifth = result.topLogprobs()[4];
        double logZ = SequenceSampler.logSumExp(logits, logits.length);
        long larger = 0;
        for (float l : logits) {
            if (l - logZ > fifth + 1e-6) {
                larger++;
            }
        }
        assertThat(larger).isEqualTo(4);
        SampleResult plain = new SequenceSampler(SamplingParams.builder().seed(1L).build(), NONE, NONE).sample(logits);
        assertThat(plain.logprob()).isNaN();
        assertThat(plain.topTokenIds()).isEmpty();
        assertThat(plain.tokenId()).isEqualTo(result.tokenId());
    }

    @Test
    void logprobsDoNotDependOnTemperature() {
        float[] logits = {0.5f, 1.5f, -0.5f, 2f};
        SampleResult cold = new SequenceSampler(SamplingParams.builder().temperature(0.2).seed(1L).logprobs(true)
                .topLogprobs(4).build(), NONE, NONE).sample(logits);
        SampleResult greedy = new SequenceSampler(SamplingParams.builder().temperature(0).logprobs(true)
                .topLogprobs(4).build(), NONE, NONE).sample(logits);
        assertThat(cold.topLogprobs()).containsExactly(greedy.topLogprobs());
    }

    @Test
    void aRowWithNothingLeftToSampleFailsClearly() {
        SequenceSampler sampler = new SequenceSampler(SamplingParams.builder().minTokens(1).stopTokenIds(Set.of(0))
                .seed(1L).build(), NONE, new int[]{1});
        assertThatThrownBy(() -> sampler.sample(new float[]{0, 0})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("min_tokens");
        SequenceSampler bias = new SequenceSampler(SamplingParams.builder().logitBias(Map.of(9, 1f)).build(), NONE, NONE);
        assertThatThrownBy(() -> bias.sample(new float[4])).hasMessageContaining("logit_bias");
    }
}
