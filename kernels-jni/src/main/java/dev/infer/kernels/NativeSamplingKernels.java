package dev.infer.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Sampling in C ({@code src/main/c/sampling.c}) over JNI: vectorized passes (max, Σexp with a polynomial exp)
 * and the histogram threshold of {@link RankedPrefix}, on the logits in place. Rows are split into ranges over
 * this instance's {@link KernelPool}, one native call per range (as {@link NativeAttentionKernels} does).
 * Heap segments (e.g. a wrapped {@code float[]}) are sampled through an off-heap copy, written back after.
 */
public final class NativeSamplingKernels implements SamplingKernels {
    private final KernelPool pool;
    private final String isa;

    public NativeSamplingKernels(int threads) {
        this.isa = NativeLibrary.requireLoaded();
        this.pool = new KernelPool("sampling-kernels", threads);
    }

    @Override
    public String name() {
        return "native(" + isa + ", " + pool.parallelism() + " threads)";
    }

    @Override
    public SampledToken[] sample(MemorySegment logits, int vocab, List<SamplingRow> rows) {
        SamplingInputs.check(logits, vocab, rows);
        if (!logits.isNative()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment copy = arena.allocate(logits.byteSize(), 64).copyFrom(logits);
                SampledToken[] out = sample(copy, vocab, rows);
                logits.copyFrom(copy);
                return out;
            }
        }
        SamplingPack p = new SamplingPack(rows);
        long address = logits.address();
        long bytes = logits.byteSize();
        pool.forRanges(rows.size(), (from, to) -> NativeErrors.check(NativeBridge.sample(address, bytes, p.rows,
                vocab, p.floats, p.ints, p.uniforms, p.penaltyStarts, p.penaltyIds, p.penaltyCounts, p.tokens,
                p.logprobs, p.topIds, p.topLogprobs, p.maxTop, from, to), "sampling"));
        SampledToken[] out = new SampledToken[rows.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = p.result(r, rows.get(r).settings(), vocab);
        }
        return out;
    }

    @Override
    public void close() {
        pool.close();
    }
}
