package dev.infer.models.tokenizer;

import dev.infer.models.ModelFormatException;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationConfigTest {

    @Test
    void qwen3Defaults() {
        GenerationConfig g = GenerationConfig.load(SharedModels.model("qwen3-0.6b-shape"));
        assertThat(g.doSample()).hasValue(true);
        assertThat(g.temperature()).hasValue(0.6);
        assertThat(g.topP()).hasValue(0.95);
        assertThat(g.topK()).hasValue(20);
        assertThat(g.maxLength()).hasValue(40960);
        assertThat(g.maxNewTokens()).isEmpty();
        assertThat(g.repetitionPenalty()).isEmpty();
        assertThat(g.eosTokenIds()).containsExactly(151645, 151643);
        assertThat(g.padTokenId()).hasValue(151643);
        assertThat(g.bosTokenId()).isEmpty();
    }

    @Test
    void qwen25Defaults() {
        GenerationConfig g = GenerationConfig.load(SharedModels.model("qwen2.5-0.5b-shape"));
        assertThat(g.temperature()).hasValue(0.7);
        assertThat(g.topP()).hasValue(0.8);
        assertThat(g.topK()).hasValue(20);
        assertThat(g.repetitionPenalty()).hasValue(1.05);
        assertThat(g.bosTokenId()).hasValue(151643);
        assertThat(g.maxLength()).isEmpty();
    }

    @Test
    void tinyStoriesHasOnlyIds() {
        GenerationConfig g = GenerationConfig.load(SharedModels.model("tinystories-656k"));
        assertThat(g.bosTokenId()).hasValue(1);
        assertThat(g.eosTokenIds()).containsExactly(2);
        assertThat(g.temperature()).isEmpty();
        assertThat(g.doSample()).isEmpty();
    }

    @Test
    void missingFileIsEmpty(@TempDir Path dir) {
        assertThat(GenerationConfig.load(dir)).isEqualTo(GenerationConfig.empty());
    }

    @Test
    void maxNewTokensAndMinP(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"),
                "{\"max_new_tokens\": 256, \"min_p\": 0.05, \"do_sample\": false, \"eos_token_id\": null}");
        GenerationConfig g = GenerationConfig.load(dir);
        assertThat(g.maxNewTokens()).hasValue(256);
        assertThat(g.minP()).hasValue(0.05);
        assertThat(g.doSample()).hasValue(false);
        assertThat(g.eosTokenIds()).isEmpty();
    }

    @Test
    void badValuesNameTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"temperature\": \"hot\"}");
        assertThatThrownBy(() -> GenerationConfig.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("generation_config.json").hasMessageContaining("temperature");
        Files.writeString(dir.resolve("generation_config.json"), "[1, 2]");
        assertThatThrownBy(() -> GenerationConfig.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("generation_config.json");
    }
}
