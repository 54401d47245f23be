package dev.infer.engines.bench;

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
 * Aggregate decode as llama.cpp's {@code llama-batched-bench} measures it ({@code -npp 128 -ntg 128 -npl N}):
 * {@code streams} sequences with {@value #PROMPT}-token prompts generate {@value #GENERATED} tokens each, one
 * engine step per token for all of them together, so every sequence's context grows from 129 to 256.
 *
 * <p>Each invocation is one whole generation (its prefill, all streams in one ragged step, happens in the
 * per-invocation set-up and is not timed). The score is seconds per generation; aggregate decode tokens/s =
 * {@code streams × }{@value #GENERATED}{@code  / score}. Tokens are random rather than sampled (the engine cost
 * of a step does not depend on which token it feeds), and logits are computed for every stream at every step,
 * as sampling needs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Xss4m", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=16g"})
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Threads(1)
public class GenerateBenchmark extends EngineBenchState {
    static final int PROMPT = 128;
    static final int GENERATED = 128;

    @Param({"16", "32", "64"})
    public int streams;

    private ModelConfig config;
    private int blocksPerSeq;
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void setUp() {
        blocksPerSeq = BenchEngines.blocksFor(PROMPT + GENERATED);
        config = load(streams * blocksPerSeq);
        random = new SplittableRandom(BenchEngines.SEED);
    }

    /** Prefills every stream's prompt into its own blocks (overwriting the last invocation's cache). */
    @Setup(Level.Invocation)
    public void prefill() {
        List<BenchEngines.Seq> prompts = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            prompts.add(new BenchEngines.Seq(table(s), 0, BenchEngines.randomTokens(random, PROMPT, config.vocabSize())));
        }
        runtime.forward(BenchEngines.step(prompts, false), cache);
    }

    @Benchmark
    public float generate() {
        float sink = 0;
        for (int g = 0; g < GENERATED; g++) {
            List<BenchEngines.Seq> next = new ArrayList<>(streams);
            for (int s = 0; s < streams; s++) {
                next.add(new BenchEngines.Seq(table(s), PROMPT + g,
                        BenchEngines.randomTokens(random, 1, config.vocabSize())));
            }
            StepBatch step = BenchEngines.step(next, true);
            sink += runtime.forward(step, cache).data()[0];
        }
        return sink;
    }

    private int[] table(int stream) {
        return BenchEngines.blocks(stream * blocksPerSeq, blocksPerSeq);
    }
}
