package dev.infer.models.tokenizer;

import dev.infer.models.ModelFormatException;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecialTokensTest {

    private static SpecialTokens load(String model) {
        Path dir = SharedModels.model(model);
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            return SpecialTokens.load(dir, tok);
        }
    }

    @Test
    void qwen3() {
        // generation_config [151645, 151643] ∪ config 151645 ∪ tokenizer_config <|im_end|>; no BOS anywhere
        SpecialTokens t = load("qwen3-0.6b-shape");
        assertThat(t.eosTokenIds()).containsExactly(151645, 151643);
        assertThat(t.bosTokenId()).isEmpty();
        assertThat(t.padTokenId()).hasValue(151643);
        assertThat(t.isEos(151645)).isTrue();
        assertThat(t.isEos(151643)).isTrue();
        assertThat(t.isEos(151644)).isFalse();
        assertThat(t.eosTokenIdArray()).containsExactly(151645, 151643);
    }

    @Test
    void qwen25() {
        SpecialTokens t = load("qwen2.5-0.5b-shape");
        assertThat(t.eosTokenIds()).containsExactly(151645, 151643);
        assertThat(t.bosTokenId()).hasValue(151643);
        assertThat(t.padTokenId()).hasValue(151643);
    }

    @Test
    void tinyStories() {
        SpecialTokens t = load("tinystories-656k");
        assertThat(t.eosTokenIds()).containsExactly(2); // <|end_story|>
        assertThat(t.bosTokenId()).hasValue(1);         // <|start_story|>
        assertThat(t.padTokenId()).hasValue(0);         // tokenizer_config pad_token <unk>
    }

    @Test
    void babyLlama() {
        SpecialTokens t = load("babyllama-105");
        assertThat(t.eosTokenIds()).containsExactly(2);
        assertThat(t.bosTokenId()).hasValue(1);
        assertThat(t.padTokenId()).isEmpty(); // pad_token null
    }

    @Test
    void unionInPrecedenceOrderFromAllThreeFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [7, 8]}");
        Files.writeString(dir.resolve("config.json"), "{\"eos_token_id\": 9, \"bos_token_id\": 3}");
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"eos_token\": {\"content\": \"</s>\", \"lstrip\": false}, \"bos_token\": \"<s>\"}");
        Map<String, Integer> vocab = Map.of("</s>", 8, "<s>", 1);
        SpecialTokens t = SpecialTokens.load(dir, s -> vocab.containsKey(s) ? OptionalInt.of(vocab.get(s)) : OptionalInt.empty());
        assertThat(t.eosTokenIds()).containsExactly(7, 8, 9);
        assertThat(t.bosTokenId()).hasValue(3); // config.json before tokenizer_config
    }

    @Test
    void tokenizerConfigAloneIsEnough(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\", \"bos_token\": \"<s>\"}");
        SpecialTokens t = SpecialTokens.load(dir, s -> s.equals("</s>") ? OptionalInt.of(2)
                : s.equals("<s>") ? OptionalInt.of(1) : OptionalInt.empty());
        assertThat(t.eosTokenIds()).containsExactly(2);
        assertThat(t.bosTokenId()).hasValue(1);
    }

    @Test
    void missingFilesGiveNothing(@TempDir Path dir) {
        SpecialTokens t = SpecialTokens.load(dir, s -> OptionalInt.empty());
        assertThat(t.eosTokenIds()).isEmpty();
        assertThat(t.bosTokenId()).isEmpty();
        assertThat(t.isEos(0)).isFalse();
    }

    @Test
    void malformedJsonNamesTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [1, 2");
        assertThatThrownBy(() -> SpecialTokens.load(dir, s -> OptionalInt.empty()))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("generation_config.json");
    }

    @Test
    void wrongTypesNameTheFileAndField(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"eos_token_id\": \"two\"}");
        assertThatThrownBy(() -> SpecialTokens.load(dir, s -> OptionalInt.empty()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json").hasMessageContaining("eos_token_id");
    }
}
