package dev.infer.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.weights.SafetensorsWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every engine against the independent fp32 reference in tinystories-656k/REFERENCE_GREEDY.json. */
public class TinyStoriesReferenceTest {
    static final List<String> ENGINES = EngineRegistry.NAMES;

    private record Loaded(Engine engine, KvCache cache, JsonNode reference) implements AutoCloseable {
        static Loaded of(String engineName) throws IOException {
            Path dir = SharedModels.model("tinystories-656k");
            JsonNode reference = new ObjectMapper().readTree(dir.resolve("REFERENCE_GREEDY.json").toFile());
            ModelConfig config = ModelConfigParser.read(dir);
            try (SafetensorsWeights weights = SafetensorsWeights.open(dir)) {
                Engine engine = EngineRegistry.load(engineName, config, weights,
                        new EngineOptions(ComputeType.FLOAT32, DeviceSpec.CPU, 2));
                return new Loaded(engine, engine.allocateKv(256, 16), reference);
            }
        }

        @Override
        public void close() {
            cache.close();
            engine.close();
        }
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void greedyIdsEqualTheReferenceAndFirstStepTop5LogitsMatch(String engineName) throws IOException {
        try (Loaded loaded = Loaded.of(engineName)) {
            greedyIdsEqualTheReference(loaded.engine(), loaded.cache(), loaded.reference());
        }
    }

    /** Shared with engines loaded other ways (e.g. from an ONNX file). */
    public static void greedyIdsEqualTheReference(Engine engine, KvCache cache, JsonNode reference) {
        assertThat(reference.get("cases").size()).isGreaterThan(0);
        for (JsonNode c : reference.get("cases")) {
            int[] prompt = ints(c.get("input_ids"));
            int[] expected = ints(c.get("greedy_ids"));
            SequenceRunner.GreedyResult result = new SequenceRunner(engine, cache)
                    .greedy(prompt, expected.length, SequenceRunner.blocks(0, 256));
            assertThat(result.tokens()).as("greedy ids for prompt %s", c.get("prompt")).containsExactly(expected);
            for (JsonNode top : c.get("first_step_top5")) {
                int id = top.get(0).intValue();
                assertThat(result.firstLogits()[id]).as("logit of %d for prompt %s", id, c.get("prompt"))
                        .isCloseTo(top.get(1).floatValue(), within(1e-3f));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void aMixedStepGivesTheSameLogitsAsEachSequenceAlone(String engineName) throws IOException {
        try (Loaded loaded = Loaded.of(engineName)) {
            mixedStepMatchesAlone(new SequenceRunner(loaded.engine(), loaded.cache()));
        }
    }

    public static void mixedStepMatchesAlone(SequenceRunner runner) {
        int[] decodePrompt = {1, 80, 147, 201, 282, 57, 313, 8, 404};
        int[] seven = {1, 12, 345, 678, 90, 1234, 56};
        int[] twenty = new int[20];
        for (int i = 0; i < twenty.length; i++) {
            twenty[i] = (i * 97 + 5) % 2048;
        }
        // Alone: the decode sequence first caches its prompt, then decodes one token.
        int[] tableA = {7, 3};
        int[] tableB = {11};
        int[] tableC = {20, 5};
        runner.step(List.of(new SequenceRunner.Seq(tableA, 0, decodePrompt)));
        Logits aloneA = runner.step(List.of(new SequenceRunner.Seq(tableA, decodePrompt.length, new int[]{501})));
        Logits aloneB = runner.step(List.of(new SequenceRunner.Seq(tableB, 0, seven)));
        Logits aloneC = runner.step(List.of(new SequenceRunner.Seq(tableC, 0, twenty)));
        // Mixed: the same three in one ragged step (the decode's K/V for position 9 is rewritten identically).
        Logits mixed = runner.step(List.of(
                new SequenceRunner.Seq(tableA, decodePrompt.length, new int[]{501}),
                new SequenceRunner.Seq(new int[]{30}, 0, seven),
                new SequenceRunner.Seq(new int[]{40, 41}, 0, twenty)));
        List<Logits> alone = List.of(aloneA, aloneB, aloneC);
        for (int s = 0; s < 3; s++) {
            for (int v = 0; v < mixed.vocabSize(); v++) {
                assertThat(mixed.get(s, v)).as("sequence %d token %d", s, v).isCloseTo(alone.get(s).get(0, v),
                        within(1e-4f));
            }
        }
    }

    public static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::intValue).toArray();
    }
}
