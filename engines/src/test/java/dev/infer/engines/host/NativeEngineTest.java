package dev.infer.engines.host;

import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Engine;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.KvCache;
import dev.infer.engines.SequenceRunner;
import dev.infer.engines.StepBatch;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NativeEngineTest {
    private static final ModelConfig CONFIG = ModelConfigParser.parse("""
            {"model_type": "llama", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 101,
             "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 10000.0}
            """);

    @Test
    void aFirstStepWithoutLogitRowsIsFineAndLaterStepsGrowTheBuffers() {
        try (DummyWeights weights = DummyWeights.generate(CONFIG, DType.F32, 3);
             Engine engine = NativeEngineFactory.load(CONFIG, weights, new EngineOptions(ComputeType.FLOAT32,
                     DeviceSpec.CPU, 2));
             KvCache cache = engine.allocateKv(16, 4)) {
            SequenceRunner runner = new SequenceRunner(engine, cache);
            int[] a = {0, 1, 2};
            int[] b = {3, 4, 5, 6};
            // A prefill chunk with no logits, then a bigger step with logits for two sequences.
            assertThat(engine.forward(new StepBatch(new int[]{5, 6, 7}, new int[]{0, 1, 2},
                    new int[]{0, 3}, new int[]{3}, new int[][]{a}, new int[]{0, 1, 2}, new int[0]), cache).rows())
                    .isZero();
            var logits = runner.step(List.of(new SequenceRunner.Seq(a, 3, new int[]{8, 9}),
                    new SequenceRunner.Seq(b, 0, new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})));
            assertThat(logits.rows()).isEqualTo(2);
            assertThat(logits.data()).doesNotContain(Float.NaN);
        }
    }
}
