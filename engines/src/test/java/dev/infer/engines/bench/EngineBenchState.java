package dev.infer.engines.bench;

import dev.infer.engines.ComputeType;
import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.engines.Quantization;
import dev.infer.models.config.ModelConfig;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the engine benchmarks share: which engine, precision and model they load, the loaded engine and its KV
 * cache, the RSS log after each iteration and the clean-up. JMH reads the {@link Param} fields of superclasses.
 */
@State(Scope.Benchmark)
public abstract class EngineBenchState {
    /** ONNX Runtime runs FLOAT32 and BFLOAT16 only (bf16-rounded weights in fp32), so pin dtype when mixing. */
    @Param({"FLOAT32", "BFLOAT16", "FLOAT16"})
    public ComputeType dtype;

    /** An {@code --engine} name: {@code djl}, {@code onnxruntime} or {@code native}. */
    @Param({"djl", "onnxruntime", "native"})
    public String engine;

    /** Weight-only quantization of the linear layers: none, int8 or int4 (onnxruntime), none or int8 (native). */
    @Param({"none"})
    public String quantization;

    /** {@code default}: qwen2.5-0.5b-shape under -Dinference.models.dir (else /work/shared/models). */
    @Param({BenchEngines.DEFAULT_MODEL})
    public String model;

    Engine runtime;
    KvCache cache;

    /** Loads the engine with dummy weights and a cache of {@code blocks} blocks; returns the model's config. */
    ModelConfig load(int blocks) {
        ModelConfig config = BenchEngines.config(model);
        runtime = BenchEngines.load(engine, config, dtype, Quantization.parse(quantization));
        cache = runtime.allocateKv(blocks, BenchEngines.BLOCK_SIZE);
        return config;
    }

    @TearDown(Level.Iteration)
    public void logMemory() {
        System.out.printf("[bench] after iteration: %s%n", BenchEngines.rss());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
        runtime.close();
    }
}
