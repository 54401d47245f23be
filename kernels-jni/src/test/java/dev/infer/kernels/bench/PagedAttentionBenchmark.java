package dev.infer.kernels.bench;

import dev.infer.kernels.AttentionBatch;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.AttentionShape;
import dev.infer.kernels.KvLayer;
import dev.infer.kernels.NativeAttentionKernels;
import dev.infer.kernels.VectorAttentionKernels;
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
 * Paged-attention decode at the qwen2.5-0.5b shape (14 query heads, 2 KV heads, head dim 64, block size 16):
 * {@value #SEQS} sequences, one query row each, over a context of {@value #CONTEXT} tokens in shuffled blocks.
 * One invocation is one layer's attention for the whole batch; the score is steps per second, and the secondary
 * result {@code :bytes} is the K/V bytes read per second, the kernel's effective bandwidth (a throughput mode is
 * needed for that counter to be per second). One layer's cache (32 MiB of K and V) is about the
 * size of L3, so with {@code layers=1} part of it is read from L3; {@code layers=8} cycles through 8 layers'
 * caches (256 MiB), as a model's forward pass does, so every read comes from DRAM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class PagedAttentionBenchmark {
    static final int SEQS = 32;
    static final int CONTEXT = 1024;
    static final AttentionShape SHAPE = new AttentionShape(14, 2, 64, 16);

    @Param({"native", "java-vector"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    @Param({"1", "8"})
    public int layers;

    private AttentionKernels impl;
    private Arena arena;
    private KvLayer[] caches;
    private int next;
    private AttentionBatch batch;
    private MemorySegment queries;
    private MemorySegment out;

    @Setup(Level.Trial)
    public void setUp() {
        impl = kernels.equals("native") ? new NativeAttentionKernels(threads) : new VectorAttentionKernels(threads);
        arena = Arena.ofShared();
        SplittableRandom rnd = new SplittableRandom(42);
        int blocksPerSeq = CONTEXT / SHAPE.blockSize();
        int numBlocks = SEQS * blocksPerSeq;
        caches = new KvLayer[layers];
        for (int l = 0; l < layers; l++) {
            caches[l] = new KvLayer(random(numBlocks * SHAPE.blockFloats(), rnd),
                    random(numBlocks * SHAPE.blockFloats(), rnd), numBlocks, SHAPE);
        }
        int[] blockIds = shuffledIds(numBlocks, rnd);
        int[] queryStart = new int[SEQS + 1];
        int[] contextLens = new int[SEQS];
        int[][] tables = new int[SEQS][blocksPerSeq];
        for (int s = 0; s < SEQS; s++) {
            queryStart[s + 1] = s + 1;
            contextLens[s] = CONTEXT;
            System.arraycopy(blockIds, s * blocksPerSeq, tables[s], 0, blocksPerSeq);
        }
        batch = new AttentionBatch(queryStart, contextLens, tables);
        queries = random((long) SEQS * SHAPE.qRowFloats(), rnd);
        out = arena.allocate(queries.byteSize(), 64);
    }

    private MemorySegment random(long floats, SplittableRandom rnd) {
        MemorySegment seg = arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-1, 1));
        }
        return seg;
    }

    private static int[] shuffledIds(int n, SplittableRandom rnd) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        return ids;
    }

    /** K and V bytes one decode step reads: every cached row of every KV head, once per group. */
    static long kvBytesPerStep() {
        return 2L * SEQS * CONTEXT * SHAPE.kvRowFloats() * Float.BYTES;
    }

    @Benchmark
    public MemorySegment decode(ByteCounter counter) {
        KvLayer layer = caches[next];
        next = (next + 1) % caches.length;
        impl.pagedAttention(layer, batch, queries, out, 0.125f);
        counter.bytes += kvBytesPerStep();
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ((AutoCloseable) impl).close();
        arena.close();
    }
}
