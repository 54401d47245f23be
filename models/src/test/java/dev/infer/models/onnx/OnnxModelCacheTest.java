package dev.infer.models.onnx;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;
import dev.infer.models.weights.Float32Conversion;
import dev.infer.models.weights.ModelWeights;
import dev.infer.models.weights.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class OnnxModelCacheTest {
    private static final ModelConfig QWEN2 = ModelConfigParser.parse("""
            {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 50, "max_position_embeddings": 64,
             "tie_word_embeddings": true}""");

    @Test
    void writesEveryGraphOnceAndReusesThemForTheSameWeights(@TempDir Path root) throws IOException {
        try (DummyWeights w = DummyWeights.generate(QWEN2, DType.F32, 3)) {
            DecoderModelFiles first = OnnxModelCache.prepare(root, QWEN2, w, WeightFormat.FLOAT32);
            assertThat(first.dir().getParent()).isEqualTo(root);
            for (int l = 0; l < 2; l++) {
                assertThat(first.attentionInput(l)).isRegularFile();
                assertThat(first.attentionOutput(l)).isRegularFile();
            }
            assertThat(first.embedding()).isRegularFile();
            assertThat(first.head()).isRegularFile();
            FileTime old = FileTime.fromMillis(1_000_000L);
            Files.setLastModifiedTime(first.weights(), old);

            DecoderModelFiles second = OnnxModelCache.prepare(root, QWEN2, w, WeightFormat.FLOAT32);
            assertThat(second.dir()).isEqualTo(first.dir());
            assertThat(Files.getLastModifiedTime(second.weights())).as("not rewritten").isEqualTo(old);
            try (Stream<Path> entries = Files.list(root)) {
                assertThat(entries).as("no temporary folder left behind").containsExactly(first.dir());
            }
        }
    }

    @Test
    void otherWeightsOrPrecisionGetTheirOwnFolder(@TempDir Path root) {
        try (DummyWeights a = DummyWeights.generate(QWEN2, DType.F32, 3);
             DummyWeights b = DummyWeights.generate(QWEN2, DType.F32, 4)) {
            Path fp32 = OnnxModelCache.prepare(root, QWEN2, a, WeightFormat.FLOAT32).dir();
            assertThat(OnnxModelCache.prepare(root, QWEN2, b, WeightFormat.FLOAT32).dir()).isNotEqualTo(fp32);
            assertThat(OnnxModelCache.prepare(root, QWEN2, a, new WeightFormat(true, 0)).dir()).isNotEqualTo(fp32);
            assertThat(OnnxModelCache.prepare(root, QWEN2, a, new WeightFormat(false, 4)).dir()).isNotEqualTo(fp32);
        }
    }

    @Test
    void weightsFileHoldsFusedQkvAndTheTiedEmbeddingOnce(@TempDir Path root) throws IOException {
        try (DummyWeights w = DummyWeights.generate(QWEN2, DType.BF16, 5)) {
            WeightPlan plan = WeightPlan.of(QWEN2, ModelWeights.of(w));
            assertThat(plan.get(WeightPlan.LM_HEAD)).isSameAs(plan.get(WeightPlan.EMBED));
            assertThat(plan.distinct()).hasSize(plan.entries().size() - 1);
            DecoderModelFiles files = OnnxModelCache.prepare(root, QWEN2, w, WeightFormat.FLOAT32);
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(files.weights())).order(ByteOrder.LITTLE_ENDIAN);
            long expectedSize = 0;
            long qkvOffset = -1;
            for (var e : plan.distinct()) {
                if (e.getKey().equals(WeightPlan.layer(0, "qkv"))) {
                    qkvOffset = expectedSize;
                }
                expectedSize = WeightFileWriter.align(expectedSize + e.getValue().elementCount() * Float.BYTES);
            }
            assertThat((long) bytes.capacity()).isBetween(expectedSize - WeightFileWriter.ALIGNMENT, expectedSize);
            // q rows, then k, then v: the first k value sits right after the qSize x hidden q block.
            Tensor k = w.get("model.layers.0.self_attn.k_proj.weight");
            Tensor q = w.get("model.layers.0.self_attn.q_proj.weight");
            assertThat(bytes.getFloat((int) qkvOffset)).isEqualTo(q.getFloat(0));
            assertThat(bytes.getFloat((int) (qkvOffset + q.elementCount() * Float.BYTES))).isEqualTo(k.getFloat(0));
        }
    }

    @Test
    void bfloat16RoundingIsAppliedToTheExportedValues(@TempDir Path root) throws IOException {
        try (DummyWeights w = DummyWeights.generate(QWEN2, DType.F32, 6)) {
            DecoderModelFiles files = OnnxModelCache.prepare(root, QWEN2, w, new WeightFormat(true, 0));
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(files.weights())).order(ByteOrder.LITTLE_ENDIAN);
            Tensor embed = w.get("model.embed_tokens.weight");
            int exact = 0;
            for (int i = 0; i < 100; i++) {
                float stored = bytes.getFloat(i * Float.BYTES);
                assertThat(stored).isEqualTo(Float32Conversion.roundToBfloat16(embed.getFloat(i)));
                exact += stored == embed.getFloat(i) ? 1 : 0;
            }
            assertThat(exact).as("random fp32 values almost never are bf16 values already").isLessThan(10);
        }
    }
}
