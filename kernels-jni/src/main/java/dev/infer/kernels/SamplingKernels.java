package dev.infer.kernels;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Samples one token from each row of a batch of logits, without sorting the vocabulary: ranked prefixes
 * (top-k, top-p, top logprobs) come from a threshold found by a histogram over the row, and only the tokens above
 * it are sorted. Implementations agree: the same rows and uniforms give the same tokens.
 */
public interface SamplingKernels extends AutoCloseable {
    /** A short name for logs. */
    String name();

    /**
     * @param logits {@code [rows.size()][vocab]} fp32, row-major, readable from the kernels' threads (a heap
     *               array, or a global, automatic or shared arena's segment); the penalties edit it in place
     */
    SampledToken[] sample(MemorySegment logits, int vocab, List<SamplingRow> rows);

    /** Stops worker threads. */
    @Override
    void close();
}
