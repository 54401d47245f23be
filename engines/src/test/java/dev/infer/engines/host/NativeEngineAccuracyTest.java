package dev.infer.engines.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Engine;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.Quantization;
import dev.infer.engines.SequenceRunner;
import dev.infer.engines.TinyStoriesReferenceTest;
import dev.infer.engines.Top1Agreement;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;
import dev.infer.models.weights.SafetensorsWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The native engine's reduced-precision weights against its own fp32 on tinystories-656k: every reference prompt
 * plus its reference greedy continuation in one teacher-forced step, top-1 compared at all 144 continuation
 * positions. Measured here (AVX2): int8 (Q8, blocks of 32) 141/144; the bound leaves room for other CPUs'
 * summation orders. tinystories' fp32 weights are all bf16-exact (trained in bf16), so there bf16 must give
 * fp32's logits up to summation order; bf16's rounding is measured on random fp32 weights instead.
 */
class NativeEngineAccuracyTest {

    @ParameterizedTest(name = "{0} weights, quantization {1}")
    @CsvSource({"FLOAT32, INT8, 0.95"})
    void top1AgreesWithFloat32OnMostPositions(ComputeType type, Quantization quantization, double minAgreement)
            throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(dir);
        Top1Agreement agreement;
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir);
             Engine fp32 = NativeEngineFactory.load(config, weights, options(ComputeType.FLOAT32, Quantization.NONE));
             Engine reduced = NativeEngineFactory.load(config, weights, options(type, quantization))) {
            agreement = Top1Agreement.measure(fp32, reduced, Top1Agreement.tinyStoriesCases());
        }
        System.out.printf("native %s/%s vs float32 on tinystories-656k: %s%n", type.label(), quantization.label(),
                agreement);
        assertThat(agreement.maxLogitDiff()).as("reduced precision changes the logits").isGreaterThan(0f);
        assertThat(agreement.fraction()).isGreaterThanOrEqualTo(minAgreement);
    }

    /**
     * The same comparison one decode step at a time (m = 1, where Q8 also quantizes the activations to int8):
     * each prompt in one step, then its reference continuation fed token by token to both engines.
     */
    @Test
    void int8DecodeStepsAgreeWithFloat32OnMostTokens() throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(dir);
        int same = 0;
        int total = 0;
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir);
             Engine fp32 = NativeEngineFactory.load(config, weights, options(ComputeType.FLOAT32, Quantization.NONE));
             Engine int8 = NativeEngineFactory.load(config, weights, options(ComputeType.FLOAT32, Quantization.INT8));
             KvCache fp32Cache = fp32.allocateKv(64, 16);
             KvCache int8Cache = int8.allocateKv(64, 16)) {
            int[] table = SequenceRunner.blocks(0, 64);
            for (JsonNode c : Top1Agreement.tinyStoriesCases()) {
                int[] prompt = TinyStoriesReferenceTest.ints(c.get("input_ids"));
                int[] continuation = TinyStoriesReferenceTest.ints(c.get("greedy_ids"));
                SequenceRunner a = new SequenceRunner(fp32, fp32Cache);
                SequenceRunner b = new SequenceRunner(int8, int8Cache);
                int[] next = prompt;
                int cached = 0;
                for (int token : continuation) {
                    List<SequenceRunner.Seq> step = List.of(new SequenceRunner.Seq(table, cached, next));
                    same += a.step(step).argmax(0) == b.step(step).argmax(0) ? 1 : 0;
                    total++;
                    cached += next.length;
                    next = new int[]{token};
                }
            }
        }
        System.out.printf("native int8 decode steps vs float32: top-1 agreement %d/%d%n", same, total);
        assertThat((double) same / total).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void bf16WeightsOfABf16ExactCheckpointGiveTheFloat32Logits() throws IOException {
        Path dir = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(dir);
        int[] prompt = {1, 80, 147, 201, 282, 57, 313, 8, 404};
        int[] continuation = {13, 99, 512, 7};
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir);
             Engine fp32 = NativeEngineFactory.load(config, weights, options(ComputeType.FLOAT32, Quantization.NONE));
             Engine bf16 = NativeEngineFactory.load(config, weights, options(ComputeType.BFLOAT16, Quantization.NONE))) {
            Logits a = SequenceRunner.teacherForced(fp32, prompt, continuation);
            Logits b = SequenceRunner.teacherForced(bf16, prompt, continuation);
            // Same weight values; only the kernels' summation order differs between the F32 and BF16 paths.
            for (int r = 0; r < a.rows(); r++) {
                assertThat(b.argmax(r)).as("top-1 at row %d", r).isEqualTo(a.argmax(r));
            }
            for (int i = 0; i < a.data().length; i++) {
                assertThat(b.data()[i]).as("logit %d", i).isCloseTo(a.data()[i], within(1e-4f));
            }
        }
    }

    @Test
    void bf16WeightsStayCloseToFloat32OnRandomFloat32Weights() {
        ModelConfig config = ModelConfigParser.parse("""
                {"model_type": "qwen2", "hidden_size": 128, "intermediate_size": 256, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 300,
                 "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
                 "tie_word_embeddings": true}
                """);
        int[] prompt = {3, 17, 99, 42, 5, 64, 23, 88};
        int[] continuation = {1, 0, 100, 7, 31};
        try (DummyWeights weights = DummyWeights.generate(config, DType.F32, 5);
             Engine fp32 = NativeEngineFactory.load(config, weights, options(ComputeType.FLOAT32, Quantization.NONE));
             Engine bf16 = NativeEngineFactory.load(config, weights, options(ComputeType.BFLOAT16, Quantization.NONE))) {
            float[] a = SequenceRunner.teacherForced(fp32, prompt, continuation).data();
            float[] b = SequenceRunner.teacherForced(bf16, prompt, continuation).data();
            double spread = 0;
            double maxDiff = 0;
            for (int i = 0; i < a.length; i++) {
                spread = Math.max(spread, Math.abs(a[i]));
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            // bf16 keeps 8 mantissa bits: a relative error of 2^-9 per weight, averaged down over each dot product.
            assertThat(maxDiff).as("bf16 rounding changes the logits").isGreaterThan(0);
            assertThat(maxDiff).as("max |logit diff| against a logit spread of %s", spread).isLessThan(0.02 * spread);
        }
    }

    @Test
    void unsupportedSettingsAreRefusedWithTheFlagNamed() {
        assertThatThrownBy(() -> NativeEngineFactory.format(options(ComputeType.FLOAT32, Quantization.INT4)))
                .hasMessageContaining("--quantization int4");
        assertThatThrownBy(() -> NativeEngineFactory.format(options(ComputeType.FLOAT16, Quantization.NONE)))
                .hasMessageContaining("float16");
        assertThatThrownBy(() -> NativeEngineFactory.format(new EngineOptions(ComputeType.FLOAT32,
                DeviceSpec.parse("cuda:0"), 2))).hasMessageContaining("--device cpu");
    }

    private static EngineOptions options(ComputeType type, Quantization q) {
        return new EngineOptions(type, DeviceSpec.CPU, 2, q);
    }
}
