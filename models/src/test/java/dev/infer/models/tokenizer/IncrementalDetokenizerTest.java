package dev.infer.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IncrementalDetokenizerTest {
    private static TextTokenizer qwen;
    private static TextTokenizer tiny;

    @BeforeAll
    static void load() {
        qwen = TextTokenizer.load(SharedModels.model("qwen3-0.6b-shape"));
        tiny = TextTokenizer.load(SharedModels.model("tinystories-656k"));
    }

    @AfterAll
    static void close() {
        if (qwen != null) {
            qwen.close();
        }
        if (tiny != null) {
            tiny.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "你好，世界",
            "👋🏽 wave 👋🏽👋🏽",
            "café naïve résumé",
            "日本語のテキストとEnglish text, mixed: カタカナ and 漢字.",
            "Emoji family 👨‍👩‍👧‍👦 and flags 🇯🇵🇫🇷 in a row",
            "<think>\n思考中…\n</think>\n\n答案是 42 ✅"})
    void qwenStreamsWholeCharactersOnly(String text) {
        int[] ids = qwen.encode(text, false);
        List<String> deltas = stream(qwen, ids, false, new int[0]);
        assertThat(String.join("", deltas)).isEqualTo(qwen.decode(ids, false)).isEqualTo(text);
        assertThat(deltas).noneMatch(d -> d.contains("\uFFFD"));
    }

    @Test
    void splitCharactersReallyOccurInTheseTexts() {
        // Guards the test above: one-id-at-a-time decoding does produce U+FFFD for the emoji.
        int[] ids = qwen.encode("hi 👋🏽", false);
        assertThat(ids.length).isGreaterThan(1);
        boolean broken = false;
        for (int id : ids) {
            broken |= qwen.decode(new int[] {id}, false).contains("\uFFFD");
        }
        assertThat(broken).isTrue();
    }

    @Test
    void skipsSpecialTokensWhenAsked() {
        String text = "<think>\nhmm\n</think>\n\nYes.<|im_end|>";
        int[] ids = qwen.encode(text, false);
        // <think> is an added but not a special token in Qwen3: only <|im_end|> is skipped
        assertThat(String.join("", stream(qwen, ids, true, new int[0]))).isEqualTo("<think>\nhmm\n</think>\n\nYes.");
        assertThat(String.join("", stream(qwen, ids, false, new int[0]))).isEqualTo(text);
    }

    @Test
    void flushEmitsAnIncompleteCharacterAtTheEnd() {
        int[] ids = qwen.encode("ok 👋", false);
        IncrementalDetokenizer detok = new IncrementalDetokenizer(qwen, false);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ids.length - 1; i++) { // stop before the emoji is complete
            out.append(detok.next(ids[i]));
        }
        assertThat(out.toString()).doesNotContain("\uFFFD");
        String rest = detok.flush();
        assertThat(rest).contains("\uFFFD");
        assertThat(detok.flush()).isEmpty();
    }

    @Test
    void tinyStoriesStreamsLikeAFullDecode() {
        String text = "Once upon a time, there was a little girl named Lily. She said, \"Hi!\"\nThe end: 42 ü";
        int[] ids = tiny.encode(text);
        List<String> deltas = stream(tiny, ids, true, new int[0]);
        assertThat(String.join("", deltas)).isEqualTo(tiny.decode(ids, true));
        assertThat(deltas).noneMatch(d -> d.contains("\uFFFD"));
    }

    @Test
    void sentencePieceByteFallbackPiecesAreJoinedBeforeEmitting(@TempDir Path dir) throws IOException {
        ByteFallbackTokenizer.write(dir);
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            String text = "a 你好 b ü";
            int[] ids = tok.encode(text);
            assertThat(ids[0]).isEqualTo(1); // add_bos_token, no post-processor
            // "你" is three byte tokens <0xE4><0xBD><0xA0>
            assertThat(ids).contains(ByteFallbackTokenizer.BYTE_BASE + 0xE4, ByteFallbackTokenizer.BYTE_BASE + 0xBD,
                    ByteFallbackTokenizer.BYTE_BASE + 0xA0);
            assertThat(tok.idToToken(ByteFallbackTokenizer.BYTE_BASE + 0xE4)).isEqualTo("<0xE4>");
            List<String> deltas = stream(tok, ids, true, new int[0]);
            assertThat(String.join("", deltas)).isEqualTo(tok.decode(ids, true)).isEqualTo(text);
            assertThat(deltas).noneMatch(d -> d.contains("\uFFFD"));
            assertThat(deltas).contains("你", "好"); // each emitted once its third byte arrives
        }
    }

    @Test
    void promptContextKeepsTheLeadingSpaceOfTheReferenceContinuations() throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("REFERENCE_GREEDY.json").toFile()).get("cases");
        for (JsonNode c : cases) {
            int[] prompt = TextTokenizerTest.ints(c.get("input_ids"));
            int[] greedy = TextTokenizerTest.ints(c.get("greedy_ids"));
            String streamed = String.join("", stream(tiny, greedy, true, prompt));
            assertThat(streamed).as("prompt %s", c.get("prompt")).isEqualTo(c.get("greedy_text").asText());
        }
    }

    @Test
    void windowStaysSmallOnLongStreams() {
        String text = "The quick brown fox jumps over the lazy dog. 狐狸跳过了懒狗。 ".repeat(300);
        int[] ids = qwen.encode(text, false);
        assertThat(ids.length).isGreaterThan(5000);
        assertThat(String.join("", stream(qwen, ids, false, new int[0]))).isEqualTo(text);
    }

    @Test
    void idsBeyondTheTokenizerVocabularyDoNotStallTheStream() {
        // Dummy-weight models sample from the padded embedding rows, which have no text.
        IncrementalDetokenizer detok = new IncrementalDetokenizer(qwen, false);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 3 * IncrementalDetokenizer.MAX_PENDING; i++) {
            out.append(detok.next(151900));
        }
        for (int id : qwen.encode(" done", false)) {
            out.append(detok.next(id));
        }
        out.append(detok.flush());
        assertThat(out.toString()).isEqualTo(" done");
    }

    private static List<String> stream(TextTokenizer tok, int[] ids, boolean skip, int[] prompt) {
        IncrementalDetokenizer detok = new IncrementalDetokenizer(tok, skip, prompt);
        List<String> deltas = new ArrayList<>();
        for (int id : ids) {
            deltas.add(detok.next(id));
        }
        deltas.add(detok.flush());
        return deltas;
    }
}
