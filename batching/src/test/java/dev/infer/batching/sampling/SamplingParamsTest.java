package dev.infer.batching.sampling;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplingParamsTest {
    private static void rejects(UnaryOperator<SamplingParams.Builder> edit, String field) {
        assertThatThrownBy(() -> edit.apply(SamplingParams.builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void defaultsAreTheOpenAiOnes() {
        SamplingParams p = SamplingParams.builder().build();
        assertThat(p.temperature()).isEqualTo(1);
        assertThat(p.topP()).isEqualTo(1);
        assertThat(p.effectiveTopK()).isZero();
        assertThat(p.maxTokens()).isEqualTo(16);
        assertThat(p.n()).isEqualTo(1);
        assertThat(p.bestOf()).isEqualTo(1);
        assertThat(p.isGreedy()).isFalse();
        assertThat(p.needsLogprob()).isFalse();
        assertThat(SamplingParams.builder().n(3).build().bestOf()).isEqualTo(3);
    }

    @Test
    void topKZeroAndMinusOneBothMeanOff() {
        assertThat(SamplingParams.builder().topK(-1).build().effectiveTopK()).isZero();
        assertThat(SamplingParams.builder().topK(0).build().effectiveTopK()).isZero();
        assertThat(SamplingParams.builder().topK(40).build().effectiveTopK()).isEqualTo(40);
        assertThat(SamplingParams.builder().topK(1).build().isGreedy()).isTrue();
    }

    @Test
    void acceptsTheEdgesOfEveryRange() {
        SamplingParams p = SamplingParams.builder().temperature(0).topP(1).minP(1).presencePenalty(-2)
                .frequencyPenalty(2).repetitionPenalty(0.01).logitBias(Map.of(0, -100f, 5, 100f)).maxTokens(1)
                .minTokens(1).logprobs(true).topLogprobs(20).n(2).bestOf(2).build();
        assertThat(p.isGreedy()).isTrue();
        assertThat(p.logitBias()).hasSize(2);
    }

    @Test
    void invalidValuesNameTheField() {
        rejects(b -> b.temperature(-0.1), "temperature");
        rejects(b -> b.temperature(Double.POSITIVE_INFINITY), "temperature");
        rejects(b -> b.temperature(Double.NaN), "temperature");
        rejects(b -> b.topP(0), "top_p");
        rejects(b -> b.topP(1.01), "top_p");
        rejects(b -> b.topK(-2), "top_k");
        rejects(b -> b.minP(-0.01), "min_p");
        rejects(b -> b.minP(1.5), "min_p");
        rejects(b -> b.presencePenalty(2.5), "presence_penalty");
        rejects(b -> b.frequencyPenalty(-2.5), "frequency_penalty");
        rejects(b -> b.repetitionPenalty(0), "repetition_penalty");
        rejects(b -> b.logitBias(Map.of(3, 100.5f)), "logit_bias");
        rejects(b -> b.logitBias(Map.of(-1, 1f)), "logit_bias");
        rejects(b -> b.maxTokens(0), "max_tokens");
        rejects(b -> b.minTokens(-1), "min_tokens");
        rejects(b -> b.maxTokens(4).minTokens(5), "min_tokens (5) must be <= max_tokens (4)");
        rejects(b -> b.stop(List.of("ok", "")), "stop");
        rejects(b -> b.stopTokenIds(Set.of(-3)), "stop_token_ids");
        rejects(b -> b.logprobs(true).topLogprobs(21), "top_logprobs");
        rejects(b -> b.logprobs(false).topLogprobs(2), "top_logprobs");
        rejects(b -> b.n(0), "n must be");
        rejects(b -> b.n(3).bestOf(2), "best_of");
    }

    @Test
    void collectionsAreCopied() {
        java.util.ArrayList<String> stops = new java.util.ArrayList<>(List.of("a"));
        SamplingParams p = SamplingParams.builder().stop(stops).build();
        stops.add("b");
        assertThat(p.stop()).containsExactly("a");
        assertThat(SamplingParams.builder().stop(null).logitBias(null).stopTokenIds(null).build().stop()).isEmpty();
    }
}
