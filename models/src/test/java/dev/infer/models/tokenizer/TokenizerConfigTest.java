package dev.infer.models.tokenizer;

import dev.infer.models.ModelFormatException;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerConfigTest {

    @Test
    void qwenHasNoBosAndAnInlineTemplate() {
        TokenizerConfig c = TokenizerConfig.load(SharedModels.model("qwen2.5-0.5b-shape"));
        assertThat(c.bosToken()).isEmpty();
        assertThat(c.eosToken()).hasValue("<|im_end|>");
        assertThat(c.padToken()).hasValue("<|endoftext|>");
        assertThat(c.addBosToken()).isEmpty();
        assertThat(c.chatTemplate(TokenizerConfig.DEFAULT_TEMPLATE)).hasValueSatisfying(
                t -> assertThat(t).startsWith("{%- if tools %}"));
        assertThat(c.templateVariables()).containsExactly(
                Map.entry("eos_token", "<|im_end|>"), Map.entry("pad_token", "<|endoftext|>"));
    }

    @Test
    void tinyStoriesAddsBos() {
        TokenizerConfig c = TokenizerConfig.load(SharedModels.model("tinystories-656k"));
        assertThat(c.addBosToken()).hasValue(true);
        assertThat(c.addEosToken()).hasValue(false);
        assertThat(c.bosToken()).hasValue("<|start_story|>");
        assertThat(c.chatTemplates()).isEmpty();
    }

    @Test
    void objectTokensAndTemplateLists(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<s>", "lstrip": false}, "eos_token": null,
                 "chat_template": [{"name": "default", "template": "A"}, {"name": "tool_use", "template": "B"}]}
                """);
        TokenizerConfig c = TokenizerConfig.load(dir);
        assertThat(c.bosToken()).hasValue("<s>");
        assertThat(c.eosToken()).isEmpty();
        assertThat(c.chatTemplate("default")).hasValue("A");
        assertThat(c.chatTemplate("tool_use")).hasValue("B");
    }

    @Test
    void missingFileIsEmptyAndBrokenFileIsNamed(@TempDir Path dir) throws IOException {
        assertThat(TokenizerConfig.load(dir)).isEqualTo(TokenizerConfig.empty());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": 5}");
        assertThatThrownBy(() -> TokenizerConfig.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer_config.json").hasMessageContaining("bos_token");
    }
}
