package dev.infer.engines.djl;

import dev.infer.engines.SequenceRunner;
import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.KvCache;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Closing an engine returns its threads; a bad step is an exception and the engine keeps working. */
class EngineLifecycleTest {
    private static final ModelConfig CONFIG = ModelConfigParser.parse("""
            {"model_type": "llama", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 1,
             "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 50, "max_position_embeddings": 64}
            """);

    private static long kernelThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("attention-kernels-")).count();
    }

    @Test
    void closeStopsTheKernelThreads() throws InterruptedException {
        long before = kernelThreads();
        try (DummyWeights weights = DummyWeights.generate(CONFIG, DType.F32, 1);
             DjlEngine engine = DjlEngineFactory.load(CONFIG, weights, new EngineOptions(ComputeType.FLOAT32, DeviceSpec.CPU, 2));
             KvCache cache = engine.allocateKv(4, 4)) {
            new SequenceRunner(engine, cache).step(List.of(
                    new SequenceRunner.Seq(new int[]{0, 1}, 0, new int[]{1, 2, 3, 4, 5}),
                    new SequenceRunner.Seq(new int[]{2}, 0, new int[]{7, 8})));
            assertThat(kernelThreads()).isGreaterThan(before);
        }
        for (int i = 0; i < 100 && kernelThreads() > before; i++) {
            Thread.sleep(10);
        }
        assertThat(kernelThreads()).isEqualTo(before);
    }

    @Test
    void aBadStepFailsAloneAndTheEngineKeepsServing() {
        try (DummyWeights weights = DummyWeights.generate(CONFIG, DType.F32, 1);
             DjlEngine engine = DjlEngineFactory.load(CONFIG, weights, new EngineOptions(ComputeType.FLOAT32, DeviceSpec.CPU, 1));
             KvCache cache = engine.allocateKv(4, 4)) {
            SequenceRunner runner = new SequenceRunner(engine, cache);
            float[] good = runner.step(List.of(new SequenceRunner.Seq(new int[]{0}, 0, new int[]{1, 2}))).row(0);
            assertThatThrownBy(() -> runner.step(List.of(new SequenceRunner.Seq(new int[]{0}, 0, new int[]{1, 99}))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token id 99");
            assertThatThrownBy(() -> runner.step(List.of(new SequenceRunner.Seq(new int[]{9}, 0, new int[]{1, 2}))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block");
            float[] again = runner.step(List.of(new SequenceRunner.Seq(new int[]{0}, 0, new int[]{1, 2}))).row(0);
            assertThat(again).isEqualTo(good);
        }
    }
}
