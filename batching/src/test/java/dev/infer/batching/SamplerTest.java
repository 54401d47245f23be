package dev.infer.batching;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f};

    @Test
    void greedyTakesTheLowestIdAmongEqualMaxima() {
        assertThat(new Sampler(SamplingParams.greedy(1, Set.of())).sample(LOGITS)).isEqualTo(1);
        assertThat(new Sampler(new SamplingParams(1.0, 1, 1.0, 5L, 1, Set.of())).sample(LOGITS)).isIn(1, 3);
    }

    @Test
    void samplingFollowsTheSoftmaxAtTemperatureOne() {
        Sampler sampler = new Sampler(new SamplingParams(1.0, 0, 1.0, 42L, 1, Set.of()));
        int[] counts = new int[LOGITS.length];
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            counts[sampler.sample(LOGITS)]++;
        }
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l);
        }
        for (int i = 0; i < LOGITS.length; i++) {
            assertThat(counts[i] / (double) n).as("token %d", i).isCloseTo(Math.exp(LOGITS[i]) / z, within(0.01));
        }
    }

    @Test
    void topPAndTopKRestrictTheCandidates() {
        Sampler topP = new Sampler(new SamplingParams(1.0, 0, 0.5, 7L, 1, Set.of()));
        Sampler topK = new Sampler(new SamplingParams(5.0, 3, 1.0, 7L, 1, Set.of()));
        for (int i = 0; i < 2000; i++) {
            assertThat(topP.sample(LOGITS)).isIn(1, 3);
            assertThat(topK.sample(LOGITS)).isIn(1, 2, 3);
        }
    }

    @Test
    void sameSeedSameTokens() {
        Sampler a = new Sampler(new SamplingParams(1.5, 0, 0.9, 99L, 1, Set.of()));
        Sampler b = new Sampler(new SamplingParams(1.5, 0, 0.9, 99L, 1, Set.of()));
        for (int i = 0; i < 100; i++) {
            assertThat(a.sample(LOGITS)).isEqualTo(b.sample(LOGITS));
        }
    }

    @Test
    void invalidParametersNameTheField() {
        assertThatThrownBy(() -> new SamplingParams(-1, 0, 1, null, 1, Set.of())).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1, -2, 1, null, 1, Set.of())).hasMessageContaining("top_k");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 0, null, 1, Set.of())).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 1, null, 0, Set.of())).hasMessageContaining("max_tokens");
    }
}
