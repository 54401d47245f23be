package dev.infer.batching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.batching.sampling.SamplingParams;
import dev.infer.engines.KvCache;
import dev.infer.engines.djl.DjlEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequenceGeneratorTest {
    private static DjlEngine engine;
    private static KvCache cache;
    private static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        Path dir = TinyStories.directory();
        cases = new ObjectMapper().readTree(dir.resolve("REFERENCE_GREEDY.json").toFile()).get("cases");
        engine = TinyStories.engine();
        cache = engine.allocateKv(40, 16);
    }

    @AfterAll
    static void close() {
        cache.close();
        engine.close();
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::intValue).toArray();
    }

    @Test
    void chunkedPrefillAndDecodeReproduceTheReferenceGreedyIds() {
        for (int chunk : new int[]{1, 3, 2048}) {
            for (JsonNode c : cases) {
                int[] expected = ints(c.get("greedy_ids"));
                List<Integer> streamed = new ArrayList<>();
                GenerationResult r = new SequenceGenerator(engine, cache, chunk)
                        .generate(ints(c.get("input_ids")), SamplingParams.greedy(expected.length, Set.of()), streamed::add);
                assertThat(r.tokenIds()).as("chunk %d, prompt %s", chunk, c.get("prompt")).containsExactly(expected);
                assertThat(streamed).containsExactlyElementsOf(boxed(expected));
                assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
            }
        }
    }

    @Test
    void stopsAtAStopTokenAndIncludesIt() {
        JsonNode c = cases.get(0);
        int[] expected = ints(c.get("greedy_ids"));
        int stop = expected[5];
        GenerationResult r = new SequenceGenerator(engine, cache, 64)
                .generate(ints(c.get("input_ids")), SamplingParams.greedy(40, Set.of(stop)), t -> { });
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.tokenIds()[r.tokenIds().length - 1]).isEqualTo(stop);
        assertThat(r.tokenIds().length).isLessThanOrEqualTo(6);
    }

    @Test
    void seededSamplingIsReproducible() {
        int[] prompt = ints(cases.get(1).get("input_ids"));
        SamplingParams params = SamplingParams.builder().temperature(0.9).topK(40).topP(0.95).seed(1234L).maxTokens(20).build();
        SequenceGenerator generator = new SequenceGenerator(engine, cache, 64);
        int[] a = generator.generate(prompt, params, t -> { }).tokenIds();
        int[] b = generator.generate(prompt, params, t -> { }).tokenIds();
        assertThat(a).containsExactly(b);
    }

    @Test
    void requestsBeyondTheContextOrCacheFailClearly() {
        SequenceGenerator generator = new SequenceGenerator(engine, cache, 64);
        assertThatThrownBy(() -> generator.generate(new int[]{1}, SamplingParams.greedy(600, Set.of()), t -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context length of 512");
        assertThatThrownBy(() -> generator.generate(new int[0], SamplingParams.greedy(5, Set.of()), t -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prompt");
        try (KvCache fourBlocks = engine.allocateKv(4, 16)) {
            SequenceGenerator small = new SequenceGenerator(engine, fourBlocks, 64);
            assertThatThrownBy(() -> small.generate(new int[]{1}, SamplingParams.greedy(100, Set.of()), t -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 7 KV blocks");
        }
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> out = new ArrayList<>();
        for (int v : a) {
            out.add(v);
        }
        return out;
    }
}
