package dev.infer.models.config;

import dev.infer.models.ModelFormatException;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelConfigParserTest {
    @Test
    void tinystories() {
        ModelConfig c = ModelConfigParser.read(SharedModels.model("tinystories-656k"));
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.hiddenSize()).isEqualTo(128);
        assertThat(c.intermediateSize()).isEqualTo(384);
        assertThat(c.numLayers()).isEqualTo(2);
        assertThat(c.numHeads()).isEqualTo(8);
        assertThat(c.numKvHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(16);
        assertThat(c.vocabSize()).isEqualTo(2048);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(512);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.ropeScaling()).isEqualTo(RopeScaling.NONE);
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.qkNorm()).isFalse();
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.torchDtype()).isEqualTo("float32");
        assertThat(c.bosTokenId()).isEqualTo(1);
        assertThat(c.eosTokenIds()).containsExactly(2);
    }

    @Test
    void babyllama() {
        ModelConfig c = ModelConfigParser.read(SharedModels.model("babyllama-105"));
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.numLayers()).isEqualTo(5);
        assertThat(c.vocabSize()).isEqualTo(105);
        assertThat(c.intermediateSize()).isEqualTo(352);
        assertThat(c.rmsNormEps()).isEqualTo(1e-5);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.qkvBias()).isFalse();
    }

    @Test
    void qwen2HasQkvBiasByDefault() {
        ModelConfig c = ModelConfigParser.read(SharedModels.model("qwen2.5-0.5b-shape"));
        assertThat(c.architecture()).isEqualTo(Architecture.QWEN2);
        assertThat(c.hiddenSize()).isEqualTo(896);
        assertThat(c.numHeads()).isEqualTo(14);
        assertThat(c.numKvHeads()).isEqualTo(2);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.kvSize()).isEqualTo(128);
        assertThat(c.numLayers()).isEqualTo(24);
        assertThat(c.vocabSize()).isEqualTo(151936);
        assertThat(c.ropeTheta()).isEqualTo(1_000_000.0);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.qkNorm()).isFalse();
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.torchDtype()).isEqualTo("bfloat16");
        assertThat(c.bosTokenId()).isEqualTo(151643);
        assertThat(c.eosTokenIds()).containsExactly(151645);
        assertThat(c.parameterCount()).isEqualTo(494_032_768L);
    }

    @Test
    void qwen3HasExplicitHeadDimAndQkNorm() {
        ModelConfig c = ModelConfigParser.read(SharedModels.model("qwen3-0.6b-shape"));
        assertThat(c.architecture()).isEqualTo(Architecture.QWEN3);
        assertThat(c.hiddenSize()).isEqualTo(1024);
        assertThat(c.numHeads()).isEqualTo(16);
        assertThat(c.numKvHeads()).isEqualTo(8);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.qSize()).isEqualTo(2048);
        assertThat(c.numLayers()).isEqualTo(28);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(40960);
        assertThat(c.ropeTheta()).isEqualTo(1_000_000.0);
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.qkNorm()).isTrue();
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.torchDtype()).isEqualTo("float32");
        assertThat(c.bosTokenId()).isNull();
        assertThat(c.eosTokenIds()).containsExactly(151645);
    }

    @Test
    void mistral() {
        ModelConfig c = ModelConfigParser.parse("""
                {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
                 "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
                 "max_position_embeddings": 32768, "model_type": "mistral", "num_attention_heads": 32,
                 "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
                 "sliding_window": null, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
                 "transformers_version": "4.42.0.dev0", "use_cache": true, "vocab_size": 32768}""");
        assertThat(c.architecture()).isEqualTo(Architecture.MISTRAL);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.numKvHeads()).isEqualTo(8);
        assertThat(c.intermediateSize()).isEqualTo(14336);
        assertThat(c.vocabSize()).isEqualTo(32768);
        assertThat(c.ropeTheta()).isEqualTo(1_000_000.0);
        assertThat(c.rmsNormEps()).isEqualTo(1e-5);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.eosTokenIds()).containsExactly(2);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(32768);
    }

    @Test
    void aSlidingWindowWeDoNotImplementCapsTheServedContext() {
        String v01 = """
                {"model_type": "mistral", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
                 "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000,
                 "max_position_embeddings": 32768, "sliding_window": 4096}""";
        assertThat(ModelConfigParser.parse(v01).maxPositionEmbeddings()).isEqualTo(4096);
        String qwenOff = v01.replace("\"mistral\"", "\"qwen2\"").replace("4096}", "4096, \"use_sliding_window\": false}");
        assertThat(ModelConfigParser.parse(qwenOff).maxPositionEmbeddings()).isEqualTo(32768);
    }

    @Test
    void llama3RopeScalingAndEosList() {
        ModelConfig c = ModelConfigParser.parse("""
                {"model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16,
                 "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "rope_theta": 500000.0,
                 "eos_token_id": [128001, 128008, 128009], "tie_word_embeddings": true,
                 "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                                  "original_max_position_embeddings": 8192, "rope_type": "llama3"}}""");
        assertThat(c.ropeScaling()).isEqualTo(new RopeScaling("llama3", 32.0, 1.0, 4.0, 8192));
        assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.numKvHeads()).isEqualTo(8);
    }

    @Test
    void defaultsWhenOptionalFieldsAreAbsent() {
        ModelConfig c = ModelConfigParser.parse("""
                {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "vocab_size": 10}""");
        assertThat(c.numKvHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(16);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(2048);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.eosTokenIds()).isEmpty();
        assertThat(c.bosTokenId()).isNull();
    }

    @Test
    void unknownModelTypeIsRejectedNamingTheField() {
        assertThatThrownBy(() -> ModelConfigParser.parse("""
                {"model_type": "gpt2", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "vocab_size": 10}"""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model_type").hasMessageContaining("gpt2").hasMessageContaining("qwen3");
        assertThatThrownBy(() -> ModelConfigParser.parse("{\"hidden_size\": 64}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model_type");
    }

    @Test
    void missingOrBadRequiredFieldsAreNamed() {
        assertThatThrownBy(() -> ModelConfigParser.parse("""
                {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "vocab_size": 10}"""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intermediate_size");
        assertThatThrownBy(() -> ModelConfigParser.parse("""
                {"model_type": "llama", "hidden_size": "big", "intermediate_size": 128, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "vocab_size": 10}"""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden_size");
        assertThatThrownBy(() -> ModelConfigParser.parse("""
                {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "num_key_value_heads": 3, "vocab_size": 10}"""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_key_value_heads");
        assertThatThrownBy(() -> ModelConfigParser.parse("[1, 2]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
    }

    @Test
    void readWrapsErrorsWithTheFile(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ModelConfigParser.read(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("no config.json");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
        assertThatThrownBy(() -> ModelConfigParser.read(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json").hasMessageContaining("model_type");
        Files.writeString(dir.resolve("config.json"), "{nope");
        assertThatThrownBy(() -> ModelConfigParser.read(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not valid JSON");
    }
}
