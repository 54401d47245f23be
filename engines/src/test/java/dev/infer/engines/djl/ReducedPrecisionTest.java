package dev.infer.engines.djl;

import dev.infer.engines.SequenceRunner;
import dev.infer.engines.TinyStoriesReferenceTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.KvCache;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.weights.SafetensorsWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** bf16 and fp16 runs stay close to fp32 on the real tinystories-656k weights. */
class ReducedPrecisionTest {

    @ParameterizedTest
    @EnumSource(value = ComputeType.class, names = {"BFLOAT16", "FLOAT16"})
    void firstStepLogitsStayCloseToFloat32(ComputeType type) throws IOException {
        Path tiny = SharedModels.model("tinystories-656k");
        JsonNode cases = new ObjectMapper().readTree(tiny.resolve("REFERENCE_GREEDY.json").toFile()).get("cases");
        List<int[]> tinyPrompts = new java.util.ArrayList<>();
        cases.forEach(c -> tinyPrompts.add(TinyStoriesReferenceTest.ints(c.get("input_ids"))));
        // babyllama-105's weights are not bf16-exact (tinystories' are), so it shows the rounding's real cost.
        List<int[]> babyPrompts = List.of(new int[]{1, 40, 41, 42, 43}, new int[]{1, 60, 70, 80, 90, 100, 50, 20});
        compare(type, tiny, tinyPrompts);
        compare(type, SharedModels.model("babyllama-105"), babyPrompts);
    }

    private static void compare(ComputeType type, Path dir, List<int[]> prompts) {
        ModelConfig config = ModelConfigParser.read(dir);
        float maxDiff = 0;
        int sameArgmax = 0;
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir);
             DjlEngine fp32 = DjlEngineFactory.load(config, weights, options(ComputeType.FLOAT32));
             DjlEngine reduced = DjlEngineFactory.load(config, weights, options(type));
             KvCache fp32Cache = fp32.allocateKv(64, 16);
             KvCache reducedCache = reduced.allocateKv(64, 16)) {
            for (int[] prompt : prompts) {
                SequenceRunner.Seq seq = new SequenceRunner.Seq(SequenceRunner.blocks(0, 64), 0, prompt);
                float[] a = new SequenceRunner(fp32, fp32Cache).step(List.of(seq)).row(0);
                float[] b = new SequenceRunner(reduced, reducedCache).step(List.of(seq)).row(0);
                for (int v = 0; v < a.length; v++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a[v] - b[v]));
                }
                sameArgmax += argmax(a) == argmax(b) ? 1 : 0;
            }
        }
        System.out.printf("%s vs float32 on %s: max |logit diff| %.4f, same top-1 in %d/%d prompts%n",
                type.label(), dir.getFileName(), maxDiff, sameArgmax, prompts.size());
        // Logits here span tens of units; bf16 keeps 8 mantissa bits, so a few tenths are expected.
        assertThat(maxDiff).isLessThan(type == ComputeType.FLOAT16 ? 0.1f : 1.0f);
        assertThat(sameArgmax).isEqualTo(prompts.size());
    }

    private static EngineOptions options(ComputeType type) {
        return new EngineOptions(type, DeviceSpec.CPU, 2);
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
