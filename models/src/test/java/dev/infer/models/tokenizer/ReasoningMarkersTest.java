package dev.infer.models.tokenizer;

import dev.infer.models.chat.ChatMessage;
import dev.infer.models.chat.ChatTemplate;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Markers from real tokenizers, and the state real chat templates leave a reply in. */
class ReasoningMarkersTest {
    private static TextTokenizer qwen3;
    private static ReasoningMarkers markers;
    private static ChatTemplate template;
    private static final List<ChatMessage> HELLO = List.of(new ChatMessage("user", "Hello"));

    @BeforeAll
    static void load() {
        Path dir = SharedModels.model("qwen3-0.6b-shape");
        qwen3 = TextTokenizer.load(dir);
        markers = ReasoningMarkers.find(qwen3).orElseThrow();
        template = ChatTemplate.fromModelDir(dir);
    }

    @AfterAll
    static void close() {
        qwen3.close();
    }

    private static int[] encode(String rendered) {
        return qwen3.encode(rendered, false);
    }

    @Test
    void qwen3HasThinkMarkersAndQwen25HasNone() {
        assertThat(markers).isEqualTo(new ReasoningMarkers(151667, 151668));
        try (TextTokenizer qwen25 = TextTokenizer.load(SharedModels.model("qwen2.5-0.5b-shape"))) {
            assertThat(ReasoningMarkers.find(qwen25)).isEmpty();
        }
    }

    @Test
    void qwen3LeavesTheOpeningToTheModelUnlessThinkingIsDisabled() {
        assertThat(markers.stateAfter(encode(template.render(HELLO, true))))
                .isEqualTo(ReasoningMarkers.PromptState.NONE);
        assertThat(markers.stateAfter(encode(template.render(HELLO, true, Map.of("enable_thinking", false)))))
                .isEqualTo(ReasoningMarkers.PromptState.CLOSED);
    }

    @Test
    void theR1DistillTemplateStartsTheReplyInsideTheBlock() {
        ChatTemplate r1 = ChatTemplate.fromFile(
                SharedModels.chatTemplates().resolve("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja"),
                Map.of("bos_token", ""));
        assertThat(markers.stateAfter(encode(r1.render(HELLO, true)))).isEqualTo(ReasoningMarkers.PromptState.INSIDE);
    }

    @Test
    void aMarkerFromAnEarlierTurnDoesNotCount() {
        int[] prompt = encode("<think>\nold\n</think>\n\nAn earlier answer that is long enough to push the marker "
                + "out of the prompt's tail.<|im_end|>\n<|im_start|>assistant\n");
        assertThat(markers.stateAfter(prompt)).isEqualTo(ReasoningMarkers.PromptState.NONE);
    }
}
