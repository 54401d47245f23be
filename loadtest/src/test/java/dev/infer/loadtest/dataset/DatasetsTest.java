package dev.infer.loadtest.dataset;

import dev.infer.models.testing.SharedModels;
import dev.infer.models.tokenizer.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Prompt lengths are exact in the model's own tokens, and the same seed gives the same prompts. */
class DatasetsTest {
    private static TextTokenizer tinystories;
    private static TextTokenizer qwen;

    @BeforeAll
    static void load() {
        tinystories = TextTokenizer.load(SharedModels.model("tinystories-656k"));
        qwen = TextTokenizer.load(SharedModels.model("qwen2.5-0.5b-shape"));
    }

    @AfterAll
    static void close() {
        tinystories.close();
        qwen.close();
    }

    @Test
    void randomPromptsAreExactInTokensWithBos() {
        RandomDataset d = new RandomDataset(new TokenText(tinystories), new LengthSpec(5, 300), new LengthSpec(8, 8), 1);
        for (int i = 0; i < 40; i++) {
            Turn t = d.conversation(i).turns().getFirst();
            assertThat(tinystories.encode(t.text())).as("prompt %d", i).hasSize(t.inputTokens());
            assertThat(t.inputTokens()).isBetween(5, 300);
            assertThat(t.maxTokens()).isEqualTo(8);
        }
    }

    @Test
    void randomPromptsAreExactForAByteLevelBpe() {
        RandomDataset d = new RandomDataset(new TokenText(qwen), new LengthSpec(1, 1024), new LengthSpec(4, 4), 2);
        for (int i = 0; i < 20; i++) {
            Turn t = d.conversation(i).turns().getFirst();
            assertThat(qwen.encode(t.text())).as("prompt %d", i).hasSize(t.inputTokens());
        }
    }

    @Test
    void sameSeedSamePromptsOtherSeedOthers() {
        TokenText text = new TokenText(tinystories);
        RandomDataset a = new RandomDataset(text, new LengthSpec(32, 32), new LengthSpec(4, 16), 7);
        RandomDataset b = new RandomDataset(text, new LengthSpec(32, 32), new LengthSpec(4, 16), 7);
        RandomDataset c = new RandomDataset(text, new LengthSpec(32, 32), new LengthSpec(4, 16), 8);
        assertThat(a.conversation(3)).isEqualTo(b.conversation(3));
        assertThat(a.conversation(3)).isNotEqualTo(c.conversation(3));
        assertThat(a.conversation(3)).isNotEqualTo(a.conversation(4));
    }

    @Test
    void sharedPrefixPromptsShareTheirPrefixAndAreExact() {
        SharedPrefixDataset d = new SharedPrefixDataset(new TokenText(tinystories), 3, 64, 16, new LengthSpec(8, 8), 5);
        for (int i = 0; i < 12; i++) {
            String prompt = d.conversation(i).turns().getFirst().text();
            assertThat(prompt).startsWith(d.prefixOf(i));
            assertThat(tinystories.encode(prompt)).hasSize(80);
        }
        assertThat(d.prefixOf(0)).isEqualTo(d.prefixOf(3)).isNotEqualTo(d.prefixOf(1));
        // The prefix's tokens are the prompt's first tokens: what a prefix cache can reuse.
        int[] prefix = tinystories.encode(d.prefixOf(0));
        int[] prompt = tinystories.encode(d.conversation(3).turns().getFirst().text());
        assertThat(java.util.Arrays.copyOf(prompt, prefix.length - 2)).containsExactly(
                java.util.Arrays.copyOf(prefix, prefix.length - 2));
    }

    @Test
    void multiTurnChatsHaveTheirTurns() {
        MultiTurnDataset d = new MultiTurnDataset(new TokenText(tinystories), new LengthSpec(2, 4),
                new LengthSpec(10, 10), new LengthSpec(6, 6), 3);
        List<Integer> sizes = IntStream.range(0, 30).mapToObj(i -> d.conversation(i).turns().size()).toList();
        assertThat(sizes).allMatch(n -> n >= 2 && n <= 4).contains(2, 3, 4);
        assertThat(d.conversation(0).turns()).allMatch(t -> tinystories.encode(t.text()).length == 10);
        assertThat(d.multiTurn()).isTrue();
    }

    @Test
    void jsonlPromptsAndTurns(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.jsonl");
        Files.writeString(file, """
                {"prompt": "Once upon a time", "max_tokens": 5}

                {"turns": ["Hello", "And then?"]}
                """);
        JsonlDataset d = new JsonlDataset(file, new TokenText(tinystories), new LengthSpec(9, 9), 0);
        List<Conversation> two = List.of(d.conversation(0), d.conversation(1));
        assertThat(two).extracting(c -> c.turns().size()).containsExactlyInAnyOrder(1, 2);
        Turn single = two.stream().filter(c -> c.turns().size() == 1).findFirst().orElseThrow().turns().getFirst();
        assertThat(single.maxTokens()).isEqualTo(5);
        assertThat(single.inputTokens()).isEqualTo(tinystories.encode("Once upon a time").length);
        assertThat(d.conversation(2).turns()).isEqualTo(d.conversation(0).turns()); // cycles
        assertThat(d.multiTurn()).isTrue();
    }
}
