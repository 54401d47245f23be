package dev.infer.kernels.bench;

import dev.infer.kernels.JavaLinearKernels;
import dev.infer.kernels.LinearFormat;
import dev.infer.kernels.LinearKernels;
import dev.infer.kernels.NativeLinearKernels;
import dev.infer.kernels.PackedMatrix;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One linear layer {@code y = x · Wᵀ} at the qwen2.5-0.5b shapes, {@value #THREADS} kernel threads:
 * {@code gateUp} (gate and up projections fused, 9728 × 896), {@code down} (896 × 4864) and {@code lmHead}
 * (151936 × 896), with m input rows: 1 (decode), 8 and 32 (batched decode), 512 (a prefill chunk). The score is
 * layers per second; {@code :weightBytes} is the packed weight bytes read per second (the effective bandwidth,
 * what bounds m = 1) and {@code :flops} is 2·m·n·k per second (what bounds large m). The same weights are read
 * call after call: gateUp (10-35 MB) and down (5-17 MB) fit the 32 MiB L3 wholly or partly, so at m = 1 they
 * measure cache as much as DRAM; lmHead (153-545 MB) gives the DRAM figure.
 *
 * <p>The Java reference is scalar (minutes per call at m = 512): it runs only at m ≤ 8, and its trials at larger
 * m stop at setup on purpose (a JMH failure line each, the run goes on). {@code -p impl=native} skips them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
public class LinearBenchmark {
    static final int THREADS = 2;
    static final int JAVA_MAX_M = 8;

    @Param({"native", "java"})
    public String impl;

    @Param({"F32", "BF16", "Q8"})
    public LinearFormat format;

    @Param({"gateUp", "down", "lmHead"})
    public String shape;

    @Param({"1", "8", "32", "512"})
    public int m;

    private LinearKernels kernels;
    private Arena arena;
    private PackedMatrix weights;
    private MemorySegment x;
    private MemorySegment y;
    private long flopsPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        if (impl.equals("java") && m > JAVA_MAX_M) {
            throw new IllegalStateException("the Java reference runs only at m <= " + JAVA_MAX_M
                    + " (minutes per call above); use -p impl=native");
        }
        int[] nk = switch (shape) {
            case "gateUp" -> new int[]{9728, 896};
            case "down" -> new int[]{896, 4864};
            case "lmHead" -> new int[]{151_936, 896};
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
        int n = nk[0];
        int k = nk[1];
        kernels = impl.equals("native") ? new NativeLinearKernels(THREADS) : new JavaLinearKernels(THREADS);
        arena = Arena.ofShared();
        SplittableRandom rnd = new SplittableRandom(42);
        try (Arena staging = Arena.ofConfined()) {
            weights = PackedMatrix.pack(random(staging, (long) n * k, 0.05, rnd), n, k, format);
        }
        x = random(arena, (long) m * k, 1, rnd);
        y = arena.allocate((long) m * n * Float.BYTES, 64);
        flopsPerCall = 2L * m * n * k;
    }

    private static MemorySegment random(Arena arena, long floats, double range, SplittableRandom rnd) {
        MemorySegment seg = arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-range, range));
        }
        return seg;
    }

    @Benchmark
    public MemorySegment linear(LinearCounters counters) {
        kernels.linear(x, m, weights, null, y);
        counters.weightBytes += weights.byteSize();
        counters.flops += flopsPerCall;
        return y;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (kernels != null) {
            kernels.close();
        }
        if (weights != null) {
            weights.close();
        }
        if (arena != null) {
            arena.close();
        }
    }
}
