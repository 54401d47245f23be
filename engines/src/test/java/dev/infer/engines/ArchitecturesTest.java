package dev.infer.engines;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;
import dev.infer.models.weights.ModelWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each supported architecture's switches (Qwen2 q/k/v bias, Qwen3 per-head q/k norm and explicit head_dim,
 * tied or separate lm_head) against the naive {@link ReferenceDecoder}, on small random weights, for every engine.
 */
class ArchitecturesTest {

    private static ModelConfig tinyConfig(String modelType) {
        String headDim = modelType.equals("qwen3") ? "\"head_dim\": 24," : "";
        String tie = modelType.equals("mistral") ? "false" : "true";
        return ModelConfigParser.parse("""
                {"model_type": "%s", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, %s "vocab_size": 101,
                 "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
                 "tie_word_embeddings": %s}
                """.formatted(modelType, headDim, tie));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"llama, djl", "mistral, djl", "qwen2, djl", "qwen3, djl",
            "llama, onnxruntime", "mistral, onnxruntime", "qwen2, onnxruntime", "qwen3, onnxruntime",
            "llama, native", "mistral, native", "qwen2, native", "qwen3, native"})
    void engineMatchesTheNaiveReference(String modelType, String engineName) {
        ModelConfig config = tinyConfig(modelType);
        int[] prompt = {3, 17, 99, 42, 5, 64, 23, 88, 1, 0, 100, 7, 31, 56, 12, 77, 45, 9, 60};
        try (DummyWeights weights = DummyWeights.generate(config, DType.F32, 11);
             Engine engine = EngineRegistry.load(engineName, config, weights,
                     new EngineOptions(ComputeType.FLOAT32, DeviceSpec.CPU, 2));
             KvCache cache = engine.allocateKv(8, 4)) {
            double[] expected = new ReferenceDecoder(config, ModelWeights.of(weights)).lastLogits(prompt);
            // Prefill all but the last token, then decode it: exercises cache reads across 5 blocks of 4.
            SequenceRunner runner = new SequenceRunner(engine, cache);
            int[] table = {6, 2, 7, 0, 3};
            runner.step(List.of(new SequenceRunner.Seq(table, 0, java.util.Arrays.copyOf(prompt, prompt.length - 1))));
            float[] actual = runner.step(List.of(new SequenceRunner.Seq(table, prompt.length - 1,
                    new int[]{prompt[prompt.length - 1]}))).row(0);
            double spread = 0;
            for (int v = 0; v < expected.length; v++) {
                spread = Math.max(spread, Math.abs(expected[v]));
                assertThat((double) actual[v]).as("%s on %s: logit %d", modelType, engineName, v).isCloseTo(expected[v], within(1e-4));
            }
            assertThat(spread).as("logits are not trivially zero").isGreaterThan(0.05);
        }
    }
}
