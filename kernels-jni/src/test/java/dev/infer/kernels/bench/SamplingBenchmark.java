package dev.infer.kernels.bench;

import dev.infer.kernels.JavaSamplingKernels;
import dev.infer.kernels.NativeSamplingKernels;
import dev.infer.kernels.Penalties;
import dev.infer.kernels.SampledToken;
import dev.infer.kernels.SamplingKernels;
import dev.infer.kernels.SamplingRow;
import dev.infer.kernels.SamplingSettings;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sampling {@value #ROWS} rows of a {@value #VOCAB}-token vocabulary (Qwen2.5's) in one call. Logits are
 * Gaussian with standard deviation 3 (a spread like a language model's), fixed per trial; no penalties, so
 * the rows are not edited and every invocation sees the same input. Modes: {@code greedy} (argmax),
 * {@code topp} (temperature 0.8, top-p 0.95), {@code topk} (temperature 0.7, top-k 50, min-p 0.05),
 * {@code logprobs} (temperature 1 with the chosen token's logprob and the top 5).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class SamplingBenchmark {
    static final int ROWS = 64;
    static final int VOCAB = 151_936;

    @Param({"native", "java"})
    public String kernels;

    @Param({"greedy", "topp", "topk", "logprobs"})
    public String mode;

    @Param({"1"})
    public int threads;

    private SamplingKernels impl;
    private Arena arena;
    private MemorySegment logits;
    private List<SamplingRow> rows;

    @Setup(Level.Trial)
    public void setUp() {
        impl = kernels.equals("native") ? new NativeSamplingKernels(threads) : new JavaSamplingKernels(threads);
        arena = Arena.ofShared();
        SplittableRandom rnd = new SplittableRandom(7);
        logits = arena.allocate((long) ROWS * VOCAB * Float.BYTES, 64);
        for (long i = 0; i < (long) ROWS * VOCAB; i++) {
            logits.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (gaussian(rnd) * 3));
        }
        SamplingSettings settings = switch (mode) {
            case "greedy" -> SamplingSettings.greedy();
            case "topp" -> new SamplingSettings(0.8f, 0, 0.95f, 0, false, 0);
            case "topk" -> new SamplingSettings(0.7f, 50, 1, 0.05f, false, 0);
            case "logprobs" -> new SamplingSettings(1, 0, 1, 0, true, 5);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        rows = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            rows.add(new SamplingRow(settings, Penalties.NONE, rnd.nextDouble()));
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    @Benchmark
    public SampledToken[] sample() {
        return impl.sample(logits, VOCAB, rows);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        impl.close();
        arena.close();
    }
}
