package dev.infer.engines.bench;

import dev.infer.engines.Logits;
import dev.infer.engines.StepBatch;
import dev.infer.models.config.ModelConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Prefill: one engine step that runs a {@value #TOKENS}-token prompt of one sequence (positions 0..511, an empty
 * context before it) and returns the logits of its last token, as the first sampling step needs. Every
 * invocation re-writes the same K/V slots, so each is the same full prefill.
 *
 * <p>The primary score is prefill steps per second; tokens/s = steps/s × {@value #TOKENS}, which JMH also reports
 * as the secondary result {@code prefill:tokens}.
 *
 * <p>The forked JVM's heap is fixed and pre-touched ({@code -Xms = -Xmx}, {@code AlwaysPreTouch}), so the RSS
 * logged after each iteration moves only with native memory (weights, PyTorch tensors, KV cache): RSS that keeps
 * rising across iterations would be a per-step native leak. Weights and the KV cache are off-heap.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Xss4m", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=16g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(1)
public class PrefillBenchmark extends EngineBenchState {
    static final int TOKENS = 512;

    private StepBatch prefill;

    @Setup(Level.Trial)
    public void setUp() {
        int blocks = BenchEngines.blocksFor(TOKENS);
        ModelConfig config = load(blocks);
        int[] prompt = BenchEngines.randomTokens(new SplittableRandom(BenchEngines.SEED), TOKENS, config.vocabSize());
        prefill = BenchEngines.step(List.of(new BenchEngines.Seq(BenchEngines.blocks(0, blocks), 0, prompt)), true);
    }

    @Benchmark
    public Logits prefill(TokenCounter counter) {
        Logits logits = runtime.forward(prefill, cache);
        counter.tokens += TOKENS;
        return logits;
    }
}
