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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Steady-state decode: one engine step that advances {@code batch} sequences by one token each, at a context of
 * about 128 tokens.
 *
 * <p>Set-up (once per trial): the engine is loaded with dummy weights, and {@code batch} sequences, each with its
 * own block table, are prefilled with {@value #PROMPT} random tokens. Every invocation then runs the same decode
 * step: one new token per sequence at position {@value #PROMPT} (context {@value #PROMPT} + 1), with logits for
 * every sequence, as sampling needs. Re-writing the same K/V slot each time keeps the context fixed, so this
 * measures decode at context ~128, not a generation whose context grows.
 *
 * <p>The primary score is engine steps per second. Each step yields {@code batch} tokens, so
 * tokens/s = steps/s × batch; JMH also reports that product directly as the secondary result
 * {@code decode:tokens} (an {@link TokenCounter}).
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
public class DecodeBenchmark extends EngineBenchState {
    static final int PROMPT = 128;

    @Param({"1", "8", "32"})
    public int batch;

    private StepBatch decode;

    @Setup(Level.Trial)
    public void setUp() {
        int blocksPerSeq = BenchEngines.blocksFor(PROMPT + 1);
        ModelConfig config = load(batch * blocksPerSeq);
        SplittableRandom random = new SplittableRandom(BenchEngines.SEED);
        List<BenchEngines.Seq> prompts = new ArrayList<>();
        List<BenchEngines.Seq> next = new ArrayList<>();
        for (int s = 0; s < batch; s++) {
            int[] table = BenchEngines.blocks(s * blocksPerSeq, blocksPerSeq);
            prompts.add(new BenchEngines.Seq(table, 0, BenchEngines.randomTokens(random, PROMPT, config.vocabSize())));
            next.add(new BenchEngines.Seq(table, PROMPT, BenchEngines.randomTokens(random, 1, config.vocabSize())));
        }
        long start = System.nanoTime();
        // All prompts in one ragged step; nothing samples, so no logits.
        runtime.forward(BenchEngines.step(prompts, false), cache);
        System.out.printf("[bench] prefilled %d x %d tokens in %d ms%n", batch, PROMPT,
                (System.nanoTime() - start) / 1_000_000);
        decode = BenchEngines.step(next, true);
    }

    @Benchmark
    public Logits decode(TokenCounter counter) {
        Logits logits = runtime.forward(decode, cache);
        counter.tokens += batch;
        return logits;
    }
}
