package dev.infer.models.weights;

import dev.infer.models.ModelFormatException;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsWeightsTest {
    @TempDir
    Path dir;

    private void writeShardedModel() throws IOException {
        new SafetensorsWriter().f32("a", new long[]{2}, 1f, 2f).f32("b", new long[]{1}, 3f)
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsWriter().bf16("c", new long[]{2, 1}, 4f, 5f)
                .write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve(SafetensorsWeights.INDEX_FILE), """
                {"metadata": {"total_size": 16},
                 "weight_map": {"a": "model-00001-of-00002.safetensors",
                                "b": "model-00001-of-00002.safetensors",
                                "c": "model-00002-of-00002.safetensors"}}""");
    }

    @Test
    void shardedCheckpointResolvesEveryName() throws IOException {
        writeShardedModel();
        assertThat(SafetensorsWeights.present(dir)).isTrue();
        try (SafetensorsWeights w = SafetensorsWeights.open(dir)) {
            assertThat(w.names()).containsExactly("a", "b", "c");
            assertThat(w.get("a").toFloatArray()).containsExactly(1f, 2f);
            assertThat(w.get("b").toFloatArray()).containsExactly(3f);
            assertThat(w.get("c").toFloatArray()).containsExactly(4f, 5f);
            assertThat(w.get("c").shape()).containsExactly(2, 1);
            assertThatThrownBy(() -> w.get("d")).isInstanceOf(ModelFormatException.class).hasMessageContaining("d");
        }
    }

    @Test
    void missingShardIsNamed() throws IOException {
        writeShardedModel();
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> SafetensorsWeights.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model-00002-of-00002.safetensors").hasMessageContaining("missing");
    }

    @Test
    void indexNamingATensorItsShardLacks() throws IOException {
        writeShardedModel();
        Files.writeString(dir.resolve(SafetensorsWeights.INDEX_FILE),
                "{\"weight_map\": {\"zzz\": \"model-00001-of-00002.safetensors\"}}");
        assertThatThrownBy(() -> SafetensorsWeights.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("zzz").hasMessageContaining("does not hold it");
    }

    @Test
    void badIndexFiles() throws IOException {
        writeShardedModel();
        Path index = dir.resolve(SafetensorsWeights.INDEX_FILE);
        Files.writeString(index, "{oops");
        assertThatThrownBy(() -> SafetensorsWeights.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not valid JSON");
        Files.writeString(index, "{\"metadata\": {}}");
        assertThatThrownBy(() -> SafetensorsWeights.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("weight_map");
        Files.writeString(index, "{\"weight_map\": {\"a\": \"../outside.safetensors\"}}");
        assertThatThrownBy(() -> SafetensorsWeights.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("outside the model directory");
    }

    @Test
    void directoryWithoutWeights() {
        assertThat(SafetensorsWeights.present(dir)).isFalse();
        assertThatThrownBy(() -> SafetensorsWeights.open(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(SafetensorsWeights.SINGLE_FILE);
    }

    @Test
    void tinystoriesLoads() {
        Path model = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(model);
        try (SafetensorsWeights w = SafetensorsWeights.open(model)) {
            assertThat(w.names()).hasSize(20).contains("lm_head.weight", "model.norm.weight",
                    "model.layers.1.self_attn.k_proj.weight").doesNotContain("model.embed_tokens.weight");
            Tensor head = w.get("lm_head.weight");
            assertThat(head.dtype()).isEqualTo(DType.F32);
            assertThat(head.shape()).containsExactly(2048, 128);
            assertThat(w.get("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(64, 128);
            ModelWeights mw = ModelWeights.of(w);
            assertThat(mw.embedTokens().name()).isEqualTo("lm_head.weight");
            assertThat(mw.lmHead().name()).isEqualTo("lm_head.weight");
            assertThat(mw.sharesEmbedding()).isTrue();
            mw.validate(config);
            float[] norm = w.get("model.norm.weight").toFloatArray();
            for (float v : norm) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void babyllamaLoadsAndValidates() {
        Path model = SharedModels.model("babyllama-105");
        try (SafetensorsWeights w = SafetensorsWeights.open(model)) {
            ModelWeights mw = ModelWeights.of(w);
            assertThat(mw.embedTokens().name()).isEqualTo("model.embed_tokens.weight");
            assertThat(mw.lmHead().shape()).containsExactly(105, 128);
            mw.validate(ModelConfigParser.read(model));
        }
    }
}
