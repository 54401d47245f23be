package dev.infer.kernels;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Sampling in plain Java: the reference the native kernel is tested against, and the fallback where it cannot
 * load. Rows are spread over this instance's {@link KernelPool}; each thread keeps its own {@link RowSampler}.
 */
public final class JavaSamplingKernels implements SamplingKernels {
    private final KernelPool pool;
    private final ThreadLocal<RowSampler> samplers = new ThreadLocal<>();

    public JavaSamplingKernels(int threads) {
        this.pool = new KernelPool("sampling-kernels", threads);
    }

    @Override
    public String name() {
        return "java(" + pool.parallelism() + " threads)";
    }

    @Override
    public SampledToken[] sample(MemorySegment logits, int vocab, List<SamplingRow> rows) {
        SamplingInputs.check(logits, vocab, rows);
        SampledToken[] out = new SampledToken[rows.size()];
        pool.forEach(rows.size(), r -> out[r] = sampler(vocab).sample(logits, r, rows.get(r)));
        return out;
    }

    private RowSampler sampler(int vocab) {
        RowSampler s = samplers.get();
        if (s == null || s.vocab() != vocab) {
            s = new RowSampler(vocab);
            samplers.set(s);
        }
        return s;
    }

    @Override
    public void close() {
        pool.close();
    }
}
