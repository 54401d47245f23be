package dev.infer.engines.onnx;

import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Engine;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.SequenceRunner;
import dev.infer.engines.djl.DjlEngineFactory;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;
import dev.infer.models.weights.SafetensorsWeights;
import dev.infer.models.weights.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The ONNX Runtime engine next to the DJL engine on the same steps, and what is specific to it. */
class OnnxEngineTest {
    private static final EngineOptions FP32 = new EngineOptions(ComputeType.FLOAT32, DeviceSpec.CPU, 2);

    @Test
    void babyllamaGreedyIdsAndLogitsEqualTheDjlEngine(@TempDir Path cacheRoot) {
        Path dir = SharedModels.model("babyllama-105");
        ModelConfig config = ModelConfigParser.read(dir);
        int[] prompt = {1, 40, 41, 42, 43, 60, 70, 80};
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir);
             Engine djl = DjlEngineFactory.load(config, weights, FP32);
             Engine onnx = OnnxEngineFactory.load(config, weights, FP32, cacheRoot);
             KvCache djlCache = djl.allocateKv(32, 8);
             KvCache onnxCache = onnx.allocateKv(32, 8)) {
            SequenceRunner.GreedyResult a = new SequenceRunner(djl, djlCache).greedy(prompt, 40, SequenceRunner.blocks(0, 32));
            SequenceRunner.GreedyResult b = new SequenceRunner(onnx, onnxCache).greedy(prompt, 40, SequenceRunner.blocks(0, 32));
            assertThat(b.tokens()).containsExactly(a.tokens());
            assertThat(b.firstLogits()).containsExactly(a.firstLogits(), within(1e-3f));
        }
    }

    /** Qwen2 (q/k/v bias) and Qwen3 (per-head q/k norm, head_dim 24) shapes, several sequences in one ragged step. */
    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "qwen3"})
    void qwenShapedModelsAgreeWithTheDjlEngineOnARaggedStep(String modelType, @TempDir Path cacheRoot) {
        ModelConfig config = ModelConfigParser.parse("""
                {"model_type": "%s", "hidden_size": 96, "intermediate_size": 160, "num_hidden_layers": 3,
                 "num_attention_heads": 6, "num_key_value_heads": 2, %s "vocab_size": 151,
                 "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
                 "tie_word_embeddings": true}""".formatted(modelType, modelType.equals("qwen3") ? "\"head_dim\": 24," : ""));
        try (DummyWeights weights = DummyWeights.generate(config, DType.F32, 21);
             Engine djl = DjlEngineFactory.load(config, weights, FP32);
             Engine onnx = OnnxEngineFactory.load(config, weights, FP32, cacheRoot)) {
            Logits expected = twoStepsOfThreeSequences(djl);
            Logits actual = twoStepsOfThreeSequences(onnx);
            assertThat(actual.rows()).isEqualTo(3);
            for (int i = 0; i < expected.data().length; i++) {
                assertThat(actual.data()[i]).as("logit %d", i).isCloseTo(expected.data()[i], within(1e-4f));
            }
        }
    }

    /** A prefill of two prompts, then one step mixing their decodes with a third prompt; the second step's logits. */
    private static Logits twoStepsOfThreeSequences(Engine engine) {
        try (KvCache cache = engine.allocateKv(16, 4)) {
            SequenceRunner runner = new SequenceRunner(engine, cache);
            int[] a = {5, 9, 100, 3, 77, 150, 0};
            int[] b = {42, 42, 8, 1, 2, 3, 4, 5, 6, 7, 140};
            runner.step(List.of(new SequenceRunner.Seq(new int[]{3, 9}, 0, a),
                    new SequenceRunner.Seq(new int[]{0, 1, 12}, 0, b)));
            return runner.step(List.of(new SequenceRunner.Seq(new int[]{3, 9}, a.length, new int[]{11}),
                    new SequenceRunner.Seq(new int[]{15, 4}, 0, new int[]{60, 61, 62, 63, 64}),
                    new SequenceRunner.Seq(new int[]{0, 1, 12}, b.length, new int[]{99})));
        }
    }

    @Test
    void theSecondLoadReusesTheExportedModel(@TempDir Path cacheRoot) throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(dir);
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir)) {
            float[] first = firstLogits(config, weights, cacheRoot);
            float[] second = firstLogits(config, weights, cacheRoot);
            assertThat(second).containsExactly(first);
        }
        try (Stream<Path> exported = Files.list(cacheRoot)) {
            assertThat(exported).hasSize(1);
        }
    }

    private static float[] firstLogits(ModelConfig config, WeightSource weights, Path cacheRoot) {
        try (Engine engine = OnnxEngineFactory.load(config, weights, FP32, cacheRoot);
             KvCache cache = engine.allocateKv(4, 16)) {
            return new SequenceRunner(engine, cache).step(List.of(
                    new SequenceRunner.Seq(new int[]{2}, 0, new int[]{1, 80, 147, 201}))).row(0);
        }
    }

    @Test
    void aStepWithoutLogitRowsStillFillsTheCache(@TempDir Path cacheRoot) {
        Path dir = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(dir);
        int[] prompt = {1, 80, 147, 201, 282, 57};
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir);
             Engine engine = OnnxEngineFactory.load(config, weights, FP32, cacheRoot);
             KvCache cache = engine.allocateKv(8, 4)) {
            SequenceRunner runner = new SequenceRunner(engine, cache);
            float[] whole = runner.step(List.of(new SequenceRunner.Seq(new int[]{0, 1}, 0, prompt))).row(0);
            Logits none = engine.forward(new dev.infer.engines.StepBatch(java.util.Arrays.copyOf(prompt, 5),
                    new int[]{0, 1, 2, 3, 4}, new int[]{0, 5}, new int[]{5}, new int[][]{{4, 5}},
                    new int[]{16, 17, 18, 19, 20}, new int[0]), cache);
            assertThat(none.rows()).isZero();
            float[] last = runner.step(List.of(new SequenceRunner.Seq(new int[]{4, 5}, 5, new int[]{prompt[5]}))).row(0);
            assertThat(last).containsExactly(whole, within(1e-4f));
        }
    }

    @Test
    void float16AndCudaAreRejectedWithTheWayOut() {
        Path dir = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(dir);
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir)) {
            assertThatThrownBy(() -> OnnxEngineFactory.load(config, weights,
                    new EngineOptions(ComputeType.FLOAT16, DeviceSpec.CPU, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--dtype float32 or bfloat16");
            assertThatThrownBy(() -> OnnxEngineFactory.load(config, weights,
                    new EngineOptions(ComputeType.FLOAT32, DeviceSpec.parse("cuda:0"), 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--device cpu");
        }
    }

    @Test
    void bfloat16StaysCloseToFloat32(@TempDir Path cacheRoot) {
        Path dir = SharedModels.model("babyllama-105");
        ModelConfig config = ModelConfigParser.read(dir);
        int[] prompt = {1, 60, 70, 80, 90, 100, 50, 20};
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir);
             Engine fp32 = OnnxEngineFactory.load(config, weights, FP32, cacheRoot);
             Engine bf16 = OnnxEngineFactory.load(config, weights,
                     new EngineOptions(ComputeType.BFLOAT16, DeviceSpec.CPU, 2), cacheRoot);
             KvCache c1 = fp32.allocateKv(4, 16);
             KvCache c2 = bf16.allocateKv(4, 16)) {
            SequenceRunner.Seq seq = new SequenceRunner.Seq(new int[]{1}, 0, prompt);
            Logits a = new SequenceRunner(fp32, c1).step(List.of(seq));
            Logits b = new SequenceRunner(bf16, c2).step(List.of(seq));
            float maxDiff = 0;
            for (int v = 0; v < config.vocabSize(); v++) {
                maxDiff = Math.max(maxDiff, Math.abs(a.get(0, v) - b.get(0, v)));
            }
            assertThat(maxDiff).as("bf16 rounding changes the logits, a little").isGreaterThan(0f).isLessThan(1f);
            assertThat(b.argmax(0)).isEqualTo(a.argmax(0));
        }
    }
}
