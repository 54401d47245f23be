package dev.infer.models.weights;

import dev.infer.models.ModelFormatException;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DummyWeightsTest {
    private static final String SMALL = """
            {"model_type": "qwen2", "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 300, "tie_word_embeddings": false}""";

    @Test
    void qwen25ShapeHasEveryHuggingFaceTensor() {
        ModelConfig config = ModelConfigParser.read(SharedModels.model("qwen2.5-0.5b-shape"));
        try (DummyWeights w = DummyWeights.generate(config, DType.BF16, 7)) {
            // 24 layers x (2 norms, q/k/v/o, q/k/v biases, gate/up/down) + embedding + final norm; lm_head tied.
            assertThat(w.names()).hasSize(24 * 12 + 2).doesNotContain("lm_head.weight");
            assertShape(w, "model.embed_tokens.weight", 151936, 896);
            assertShape(w, "model.layers.0.input_layernorm.weight", 896);
            assertShape(w, "model.layers.0.self_attn.q_proj.weight", 896, 896);
            assertShape(w, "model.layers.0.self_attn.k_proj.weight", 128, 896);
            assertShape(w, "model.layers.0.self_attn.v_proj.weight", 128, 896);
            assertShape(w, "model.layers.0.self_attn.q_proj.bias", 896);
            assertShape(w, "model.layers.0.self_attn.k_proj.bias", 128);
            assertShape(w, "model.layers.23.self_attn.v_proj.bias", 128);
            assertShape(w, "model.layers.23.self_attn.o_proj.weight", 896, 896);
            assertShape(w, "model.layers.23.post_attention_layernorm.weight", 896);
            assertShape(w, "model.layers.23.mlp.gate_proj.weight", 4864, 896);
            assertShape(w, "model.layers.23.mlp.up_proj.weight", 4864, 896);
            assertShape(w, "model.layers.23.mlp.down_proj.weight", 896, 4864);
            assertShape(w, "model.norm.weight", 896);
            assertThat(w.contains("model.layers.0.self_attn.q_norm.weight")).isFalse();
            assertThat(w.names().stream().mapToLong(n -> w.get(n).elementCount()).sum())
                    .isEqualTo(config.parameterCount()).isEqualTo(494_032_768L);
            assertThat(w.byteSize()).isGreaterThanOrEqualTo(2 * 494_032_768L);
            ModelWeights.of(w).validate(config);
            assertThat(ModelWeights.of(w).lmHead()).isSameAs(w.get("model.embed_tokens.weight"));
        }
    }

    @Test
    void qwen3ShapeHasQkNormsAndWideHeads() {
        ModelConfig config = ModelConfigParser.read(SharedModels.model("qwen3-0.6b-shape"));
        try (DummyWeights w = DummyWeights.generate(config, DType.BF16, 7)) {
            assertThat(w.names()).hasSize(28 * 11 + 2);
            assertShape(w, "model.layers.0.self_attn.q_proj.weight", 2048, 1024);
            assertShape(w, "model.layers.0.self_attn.k_proj.weight", 1024, 1024);
            assertShape(w, "model.layers.0.self_attn.o_proj.weight", 1024, 2048);
            assertShape(w, "model.layers.27.self_attn.q_norm.weight", 128);
            assertShape(w, "model.layers.27.self_attn.k_norm.weight", 128);
            assertShape(w, "model.layers.27.mlp.down_proj.weight", 1024, 3072);
            assertThat(w.names()).noneMatch(n -> n.endsWith(".bias"));
            assertThat(w.names().stream().mapToLong(n -> w.get(n).elementCount()).sum())
                    .isEqualTo(config.parameterCount()).isEqualTo(596_049_920L);
            assertThat(w.get("model.layers.5.self_attn.k_norm.weight").toFloatArray()).containsOnly(1f);
            ModelWeights.of(w).validate(config);
        }
    }

    @Test
    void untiedConfigGetsItsOwnLmHead() {
        ModelConfig config = ModelConfigParser.parse(SMALL);
        try (DummyWeights w = DummyWeights.generate(config, DType.F32)) {
            assertShape(w, "lm_head.weight", 300, 64);
            assertThat(w.get("lm_head.weight").data().mismatch(w.get("model.embed_tokens.weight").data()))
                    .isNotEqualTo(-1);
            assertThat(w.seed()).isEqualTo(DummyWeights.DEFAULT_SEED);
            ModelWeights.of(w).validate(config);
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        ModelConfig config = ModelConfigParser.parse(SMALL);
        for (DType dtype : DType.values()) {
            try (DummyWeights a = DummyWeights.generate(config, dtype, 42);
                 DummyWeights b = DummyWeights.generate(config, dtype, 42);
                 DummyWeights c = DummyWeights.generate(config, dtype, 43)) {
                for (String name : a.names()) {
                    assertThat(a.get(name).data().mismatch(b.get(name).data())).as(name).isEqualTo(-1);
                    if (!name.endsWith("norm.weight")) {
                        assertThat(a.get(name).data().mismatch(c.get(name).data())).as(name).isNotEqualTo(-1);
                    }
                }
            }
        }
    }

    @Test
    void tensorsAreIndependentStreams() {
        ModelConfig config = ModelConfigParser.parse(SMALL);
        try (DummyWeights w = DummyWeights.generate(config, DType.F32, 1)) {
            Set<Float> firstValues = new HashSet<>();
            long projections = w.names().stream().filter(n -> n.endsWith("proj.weight")).count();
            w.names().stream().filter(n -> n.endsWith("proj.weight")).forEach(n -> firstValues.add(w.get(n).getFloat(0)));
            assertThat(firstValues).hasSize((int) projections);
            float[] q0 = w.get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
            float[] q1 = w.get("model.layers.1.self_attn.q_proj.weight").toFloatArray();
            assertThat(Arrays.equals(q0, q1)).isFalse();
        }
    }

    @Test
    void valuesHaveTheDocumentedRanges() {
        ModelConfig config = ModelConfigParser.read(SharedModels.model("tinystories-656k"));
        try (DummyWeights w = DummyWeights.generate(config, DType.F32, 3)) {
            float[] down = w.get("model.layers.1.mlp.down_proj.weight").toFloatArray();
            double bound = 1 / Math.sqrt(384);
            assertThat(maxAbs(down)).isLessThanOrEqualTo((float) bound).isGreaterThan((float) bound * 0.99f);
            double mean = 0;
            double sq = 0;
            for (float v : down) {
                mean += v;
                sq += (double) v * v;
            }
            mean /= down.length;
            double std = Math.sqrt(sq / down.length - mean * mean);
            assertThat(mean).isCloseTo(0, within(bound * 0.02));
            assertThat(std).isCloseTo(bound / Math.sqrt(3), within(bound * 0.01));
            assertThat(w.get("model.layers.0.input_layernorm.weight").toFloatArray()).containsOnly(1f);
            assertThat(w.get("model.norm.weight").toFloatArray()).containsOnly(1f);
            float[] embed = w.get("model.embed_tokens.weight").toFloatArray();
            assertThat(maxAbs(embed)).isLessThanOrEqualTo((float) (1 / Math.sqrt(128)));
            assertThat(new HashSet<>(Arrays.asList(box(embed)))).hasSizeGreaterThan(embed.length / 2);
        }
        ModelConfig qwen = ModelConfigParser.parse(SMALL);
        try (DummyWeights w = DummyWeights.generate(qwen, DType.F32, 3)) {
            float[] bias = w.get("model.layers.0.self_attn.k_proj.bias").toFloatArray();
            assertThat(maxAbs(bias)).isLessThanOrEqualTo(0.125f).isGreaterThan(0f);
        }
    }

    @Test
    void halfPrecisionHoldsTheRoundedFloatValues() {
        ModelConfig config = ModelConfigParser.parse(SMALL);
        try (DummyWeights f32 = DummyWeights.generate(config, DType.F32, 9);
             DummyWeights bf16 = DummyWeights.generate(config, DType.BF16, 9);
             DummyWeights f16 = DummyWeights.generate(config, DType.F16, 9)) {
            String name = "model.layers.1.mlp.gate_proj.weight";
            float[] ref = f32.get(name).toFloatArray();
            float[] b = bf16.get(name).toFloatArray();
            float[] h = f16.get(name).toFloatArray();
            assertThat(bf16.get(name).dtype()).isEqualTo(DType.BF16);
            assertThat(bf16.get(name).data().byteSize()).isEqualTo(ref.length * 2L);
            for (int i = 0; i < ref.length; i++) {
                assertThat(b[i]).isCloseTo(ref[i], within(Math.abs(ref[i]) / 256 + 1e-30f));
                assertThat(h[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(ref[i])));
            }
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(DummyValues.toBf16(1f)).isEqualTo((short) 0x3F80);
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1.0).
        assertThat(DummyValues.toBf16(1f + 0x1.0p-8f)).isEqualTo((short) 0x3F80);
        assertThat(DummyValues.toBf16(1f + 0x1.0p-8f + 0x1.0p-20f)).isEqualTo((short) 0x3F81);
        assertThat(DummyValues.toBf16(-2.5f)).isEqualTo((short) 0xC020);
    }

    @Test
    void bulkGenerationFollowsTheScalarDefinition() {
        long key = DummyValues.tensorKey(5, "model.layers.0.mlp.up_proj.weight");
        // Unaligned start, a whole block, a partial block; and indices beyond 2^32, where the key changes.
        for (long from : new long[]{0, 4000, (1L << 32) - 5000}) {
            int count = 9000;
            MemorySegment out = MemorySegment.ofArray(new float[count]);
            DummyValues.fill(out, DType.F32, key, 0.25f, from, from + count);
            for (int j = 0; j < count; j++) {
                float expected = DummyValues.uniform(key, from + j, 0.25f);
                assertThat(out.getAtIndex(ValueLayout.JAVA_FLOAT, j)).as("element %d", from + j).isEqualTo(expected);
                assertThat(Math.abs(expected)).isLessThanOrEqualTo(0.25f);
            }
        }
        assertThat(DummyValues.uniform(key, 7, 1f)).isNotEqualTo(DummyValues.uniform(key, 7 + (1L << 32), 1f));
        assertThat(DummyValues.tensorKey(5, "a")).isNotEqualTo(DummyValues.tensorKey(6, "a"))
                .isNotEqualTo(DummyValues.tensorKey(5, "b"));
    }

    @Test
    void closeFreesTheMemory() {
        ModelConfig config = ModelConfigParser.parse(SMALL);
        DummyWeights w = DummyWeights.generate(config, DType.F32);
        Tensor t = w.get("model.embed_tokens.weight");
        assertThat(t.data().scope().isAlive()).isTrue();
        w.close();
        w.close();
        assertThat(t.data().scope().isAlive()).isFalse();
        assertThatThrownBy(() -> t.getFloat(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> w.get("model.norm.weight")).isInstanceOf(IllegalStateException.class);
        assertThat(w.contains("model.norm.weight")).isTrue();
    }

    @Test
    void unknownNameIsAModelFormatError() {
        try (DummyWeights w = DummyWeights.generate(ModelConfigParser.parse(SMALL), DType.F16)) {
            assertThatThrownBy(() -> w.get("model.layers.9.mlp.up_proj.weight"))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("model.layers.9.mlp.up_proj.weight");
        }
    }

    private static void assertShape(WeightSource w, String name, long... shape) {
        assertThat(w.get(name).shape()).as(name).containsExactly(shape);
    }

    private static float maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static Float[] box(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
