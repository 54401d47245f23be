package dev.infer.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.ModelFormatException;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTokenizerTest {

    @Test
    void tinyStoriesPrependsBosAsTheReferenceDoes() {
        try (TextTokenizer tok = TextTokenizer.load(SharedModels.model("tinystories-656k"))) {
            assertThat(tok.encode("Once upon a time")).containsExactly(1, 80, 147, 201, 282, 57);
            assertThat(tok.encode("Once upon a time", false)).containsExactly(80, 147, 201, 282, 57);
            assertThat(tok.encode("The little dog")).containsExactly(1, 80, 247, 229, 604);
            assertThat(tok.specialPrefix()).containsExactly(1);
            assertThat(tok.specialSuffix()).isEmpty();
            assertThat(tok.vocabSize()).isEqualTo(2048);
        }
    }

    @Test
    void textThatAlreadyStartsWithBosGetsNoSecondOne() {
        try (TextTokenizer tok = TextTokenizer.load(SharedModels.model("tinystories-656k"))) {
            int[] ids = tok.encode("<|start_story|>Once");
            assertThat(ids[0]).isEqualTo(1);
            assertThat(ids[1]).isNotEqualTo(1);
        }
    }

    @Test
    void qwenAddsNoBosToARenderedChatPrompt() {
        try (TextTokenizer tok = TextTokenizer.load(SharedModels.model("qwen3-0.6b-shape"))) {
            String prompt = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
            int[] ids = tok.encode(prompt);
            assertThat(ids).isEqualTo(tok.encode(prompt, false));
            // special-token text maps to the special ids, never to "<", "|", ...
            assertThat(ids[0]).isEqualTo(151644);
            assertThat(ids).contains(151645);
            assertThat(tok.specialPrefix()).isEmpty();
            assertThat(tok.decode(ids, false)).isEqualTo(prompt);
            assertThat(tok.decode(ids, true)).isEqualTo("user\nHi\nassistant\n");
        }
    }

    @Test
    void babyLlamaIsCharacterLevelWithBos() {
        try (TextTokenizer tok = TextTokenizer.load(SharedModels.model("babyllama-105"))) {
            int[] ids = tok.encode("Once upon");
            assertThat(ids[0]).isEqualTo(1);
            assertThat(ids).hasSize(1 + "▁Once▁upon".length());
            assertThat(tok.decode(ids, true)).isEqualTo("Once upon");
            assertThat(tok.vocabSize()).isEqualTo(105);
        }
    }

    @Test
    void specialTokensByName() {
        try (TextTokenizer tok = TextTokenizer.load(SharedModels.model("qwen3-0.6b-shape"))) {
            assertThat(tok.tokenId("<think>")).hasValue(151667);
            assertThat(tok.tokenId("</think>")).hasValue(151668);
            assertThat(tok.tokenId("<|im_end|>")).hasValue(151645);
            assertThat(tok.tokenId("no such token")).isEmpty();
            assertThat(tok.idToToken(151667)).isEqualTo("<think>");
            assertThat(tok.idToToken(12522)).isEqualTo("Once");
            assertThat(tok.idToToken(5193)).isEqualTo("Ġupon"); // byte-level alphabet, as convert_ids_to_tokens
            assertThat(tok.isSpecial(151645)).isTrue();
            assertThat(tok.isSpecial(12522)).isFalse();
            assertThat(tok.isSpecial(151667)).isFalse(); // Qwen3 marks <think> as added but not special
            // vocabulary 151643 + 26 added tokens; the model's 151936 embedding rows are padding
            assertThat(tok.vocabSize()).isEqualTo(151669);
            assertThatThrownBy(() -> tok.idToToken(151700)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("151700");
        }
    }

    @Test
    void qwen25VocabularyCountsItsAddedTokens() {
        try (TextTokenizer tok = TextTokenizer.load(SharedModels.model("qwen2.5-0.5b-shape"))) {
            assertThat(tok.vocabSize()).isEqualTo(151665);
            assertThat(tok.tokenId("<think>")).isEmpty();
            assertThat(tok.encode("Once upon a time")).containsExactly(12522, 5193, 264, 882);
        }
    }

    @Test
    void longInputsAreNotTruncated() {
        String text = IntStream.range(0, 1500).mapToObj(i -> "word" + i).reduce((a, b) -> a + " " + b).orElseThrow();
        try (TextTokenizer qwen = TextTokenizer.load(SharedModels.model("qwen3-0.6b-shape"));
             TextTokenizer tiny = TextTokenizer.load(SharedModels.model("tinystories-656k"))) {
            int[] q = qwen.encode(text);
            assertThat(q.length).isGreaterThan(2000);
            assertThat(qwen.decode(q, false)).isEqualTo(text);
            String story = "Once upon a time there was a little dog. ".repeat(200);
            int[] t = tiny.encode(story);
            assertThat(t.length).isGreaterThan(512);
            assertThat(tiny.decode(t, true)).isEqualTo(story);
        }
    }

    @Test
    void decodesTheReferenceGreedyContinuations() throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("REFERENCE_GREEDY.json").toFile()).get("cases");
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            for (JsonNode c : cases) {
                String prompt = c.get("prompt").asText();
                int[] input = ints(c.get("input_ids"));
                int[] greedy = ints(c.get("greedy_ids"));
                String expected = c.get("greedy_text").asText();
                assertThat(tok.encode(prompt)).as("input ids of %s", prompt).containsExactly(input);
                // greedy_text is the continuation as it reads after the prompt (" and his dog" keeps its space):
                // the decode of prompt + continuation is the prompt followed by it.
                int[] all = IntStream.concat(IntStream.of(input), IntStream.of(greedy)).toArray();
                assertThat(tok.decode(all, true)).isEqualTo(prompt + expected);
                if (prompt.isEmpty()) {
                    assertThat(tok.decode(greedy, true)).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void missingTokenizerIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> TextTokenizer.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer.json");
    }

    @Test
    void malformedTokenizerJsonNamesTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 0,");
        assertThatThrownBy(() -> TextTokenizer.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer.json");
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }
}
