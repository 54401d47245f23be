package dev.infer.models.chat;

import dev.infer.models.ModelFormatException;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where templates come from, and how failures surface. */
class ChatTemplateTest {

    @Test
    void baseModelsHaveNone() {
        Path dir = SharedModels.model("tinystories-656k");
        assertThat(ChatTemplate.find(dir)).isEmpty();
        assertThatThrownBy(() -> ChatTemplate.fromModelDir(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("no chat template");
    }

    @Test
    void chatTemplateJinjaWinsOverTokenizerConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"chat_template\": \"from config\", \"bos_token\": {\"content\": \"<s>\"}}");
        assertThat(ChatTemplate.fromModelDir(dir).render(List.of(), false)).isEqualTo("from config");
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ bos_token }}from file");
        ChatTemplate t = ChatTemplate.fromModelDir(dir);
        assertThat(t.render(List.of(), false)).isEqualTo("<s>from file");
        assertThat(t.name()).endsWith("chat_template.jinja");
        assertThat(t.source()).isEqualTo("{{ bos_token }}from file");
        assertThat(t.specialTokens()).containsEntry("bos_token", "<s>");
    }

    @Test
    void namedTemplateListsUseDefault(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": [{\"name\": \"tool_use\", "
                + "\"template\": \"tools\"}, {\"name\": \"default\", \"template\": \"plain\"}]}");
        assertThat(ChatTemplate.fromModelDir(dir).render(List.of(), false)).isEqualTo("plain");
    }

    @Test
    void unclosedBlocksFailWhenLoading() {
        assertThatThrownBy(() -> ChatTemplate.of("broken", "{% if messages %}never closed", Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("broken").hasMessageContaining("if");
    }

    @Test
    void unknownFiltersAndTestsFailWhenLoading() {
        // Jinjava alone would render both as empty text, silently
        assertThatThrownBy(() -> ChatTemplate.of("f", "{{ messages|no_such_filter }}", Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("filter 'no_such_filter'");
        assertThatThrownBy(() -> ChatTemplate.of("t", "{% if x is not no_such_test %}{% endif %}", Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("test 'no_such_test'");
        assertThatThrownBy(() -> ChatTemplate.of("u", "{% no_such_tag %}", Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("no_such_tag");
    }

    @Test
    void badExpressionsFailWhenRendering() {
        ChatTemplate t = ChatTemplate.of("bad", "{{ messages[0].content + }}", Map.of());
        assertThatThrownBy(() -> t.render(List.of(ChatMessage.user("x")), false))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("bad");
        ChatTemplate unknown = ChatTemplate.of("method", "{{ 'x'.no_such_method() }}", Map.of());
        assertThatThrownBy(() -> unknown.render(List.of(), false)).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("no_such_method");
    }

    @Test
    void kwargsMayBeRecordsAndNullsAreUndefined() {
        record Tool(String name, String displayName) {
        }
        ChatTemplate t = ChatTemplate.of("t", "{{ tools|tojson }}|{{ 'none' if extra is not defined }}", Map.of());
        java.util.HashMap<String, Object> kwargs = new java.util.HashMap<>();
        kwargs.put("tools", List.of(new Tool("a", "A")));
        kwargs.put("extra", null);
        assertThat(t.render(List.of(), false, kwargs)).isEqualTo("[{\"name\": \"a\", \"display_name\": \"A\"}]|none");
    }

    @Test
    void safeForConcurrentUse() throws Exception {
        ChatTemplate t = ChatTemplate.fromModelDir(SharedModels.model("qwen3-0.6b-shape"));
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int i = 0; i < 8; i++) {
            String text = "message " + i;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 50; k++) {
                    String p = t.render(List.of(ChatMessage.user(text)), true);
                    if (!p.equals("<|im_start|>user\n" + text + "<|im_end|>\n<|im_start|>assistant\n")) {
                        wrong.add(p);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(wrong).isEmpty();
    }
}
