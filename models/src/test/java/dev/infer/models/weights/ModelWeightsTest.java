package dev.infer.models.weights;

import dev.infer.models.ModelFormatException;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelWeightsTest {
    private static final String LLAMA = """
            {"model_type": "llama", "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 10, "tie_word_embeddings": %s}""";
    private static final ModelConfig TIED = ModelConfigParser.parse(LLAMA.formatted("true"));
    private static final ModelConfig UNTIED = ModelConfigParser.parse(LLAMA.formatted("false"));

    @Test
    void embeddingStoredOnlyAsLmHead() {
        InMemoryWeights w = InMemoryWeights.of(CheckpointLayout.expected(TIED))
                .remove(CheckpointLayout.EMBED_TOKENS).put(CheckpointLayout.LM_HEAD, 10, 16);
        ModelWeights mw = ModelWeights.of(w);
        assertThat(mw.embedTokens().name()).isEqualTo(CheckpointLayout.LM_HEAD);
        assertThat(mw.lmHead().name()).isEqualTo(CheckpointLayout.LM_HEAD);
        assertThat(mw.sharesEmbedding()).isTrue();
        mw.validate(TIED);
    }

    @Test
    void tiedEmbeddingStoredAsEmbedTokens() {
        ModelWeights mw = ModelWeights.of(InMemoryWeights.of(CheckpointLayout.expected(TIED)));
        assertThat(mw.lmHead().name()).isEqualTo(CheckpointLayout.EMBED_TOKENS);
        assertThat(mw.sharesEmbedding()).isTrue();
        mw.validate(TIED);
    }

    @Test
    void untiedUsesBoth() {
        ModelWeights mw = ModelWeights.of(InMemoryWeights.of(CheckpointLayout.expected(UNTIED)));
        assertThat(mw.embedTokens().name()).isEqualTo(CheckpointLayout.EMBED_TOKENS);
        assertThat(mw.lmHead().name()).isEqualTo(CheckpointLayout.LM_HEAD);
        assertThat(mw.sharesEmbedding()).isFalse();
        assertThat(mw.layer(1, "mlp.up_proj.weight").shape()).containsExactly(24, 16);
        mw.validate(UNTIED);
    }

    @Test
    void neitherEmbeddingListsWhatWasLookedFor() {
        ModelWeights mw = ModelWeights.of(InMemoryWeights.of(CheckpointLayout.expected(TIED))
                .remove(CheckpointLayout.EMBED_TOKENS));
        assertThatThrownBy(mw::embedTokens).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(CheckpointLayout.EMBED_TOKENS).hasMessageContaining(CheckpointLayout.LM_HEAD);
        assertThatThrownBy(mw::lmHead).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(CheckpointLayout.EMBED_TOKENS).hasMessageContaining(CheckpointLayout.LM_HEAD);
        assertThatThrownBy(() -> mw.validate(TIED)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(CheckpointLayout.EMBED_TOKENS + ": missing");
    }

    @Test
    void wrongShapeNamesTensorExpectedAndActual() {
        InMemoryWeights w = InMemoryWeights.of(CheckpointLayout.expected(TIED))
                .put("model.layers.1.self_attn.k_proj.weight", 16, 16);
        assertThatThrownBy(() -> ModelWeights.of(w).validate(TIED)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.layers.1.self_attn.k_proj.weight: expected shape [8, 16], found [16, 16]");
    }

    @Test
    void everyProblemIsListed() {
        InMemoryWeights w = InMemoryWeights.of(CheckpointLayout.expected(UNTIED))
                .remove("model.layers.0.mlp.gate_proj.weight")
                .remove(CheckpointLayout.LM_HEAD)
                .put("model.layers.1.input_layernorm.weight", 15)
                .put("model.layers.2.input_layernorm.weight", 16)
                .put("model.layers.0.self_attn.q_proj.bias", 16)
                .put("model.rotary_emb.inv_freq", 2);
        assertThatThrownBy(() -> ModelWeights.of(w).validate(UNTIED)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("5 problem(s)")
                .hasMessageContaining("model.layers.0.mlp.gate_proj.weight: missing, expected shape [24, 16]")
                .hasMessageContaining("lm_head.weight: missing (config.json has tie_word_embeddings=false")
                .hasMessageContaining("model.layers.1.input_layernorm.weight: expected shape [16], found [15]")
                .hasMessageContaining("model.layers.2.input_layernorm.weight: stored, but config.json has only 2 layers")
                .hasMessageContaining("model.layers.0.self_attn.q_proj.bias: stored, but config.json does not enable")
                .message().doesNotContain("inv_freq");
    }

    @Test
    void tiedConfigWithTwoDifferentMatricesIsRejected() {
        byte[] ones = new byte[10 * 16 * 4];
        ones[3] = 0x3f;
        InMemoryWeights same = InMemoryWeights.of(CheckpointLayout.expected(TIED)).put(CheckpointLayout.LM_HEAD, 10, 16);
        ModelWeights.of(same).validate(TIED);
        InMemoryWeights differ = InMemoryWeights.of(CheckpointLayout.expected(TIED))
                .put(CheckpointLayout.LM_HEAD, ones, 10, 16);
        assertThatThrownBy(() -> ModelWeights.of(differ).validate(TIED)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("lm_head.weight: differs from model.embed_tokens.weight");
    }

    @Test
    void layoutNamesMatchTransformers() {
        assertThat(CheckpointLayout.expected(TIED)).extracting(TensorSpec::name).startsWith(
                "model.embed_tokens.weight",
                "model.layers.0.input_layernorm.weight",
                "model.layers.0.self_attn.q_proj.weight",
                "model.layers.0.self_attn.k_proj.weight",
                "model.layers.0.self_attn.v_proj.weight",
                "model.layers.0.self_attn.o_proj.weight",
                "model.layers.0.post_attention_layernorm.weight",
                "model.layers.0.mlp.gate_proj.weight",
                "model.layers.0.mlp.up_proj.weight",
                "model.layers.0.mlp.down_proj.weight").endsWith("model.norm.weight");
        assertThat(CheckpointLayout.expected(UNTIED)).last().extracting(TensorSpec::name).isEqualTo("lm_head.weight");
    }
}
