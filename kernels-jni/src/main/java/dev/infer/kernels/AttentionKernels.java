package dev.infer.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The attention-side kernels an engine calls between its dense layers, all on host memory (fp32):
 * the query / new K / new V / output segments are the engine's own tensors, passed without copies.
 * Implementations validate indices before touching memory and throw {@link IllegalArgumentException}.
 */
public interface AttentionKernels {
    /** A short name for logs, e.g. "java-vector". */
    String name();

    /**
     * Writes each token's new K and V rows ({@code [numTokens][numKvHeads][headDim]}) into cache slot
     * {@code slotMapping[t]}; a negative slot skips the token (vLLM's padding convention).
     */
    void writeKv(KvLayer layer, MemorySegment newKeys, MemorySegment newValues, int[] slotMapping);

    /**
     * Causal attention of every query row ({@code [numTokens][numHeads][headDim]}) over its sequence's cached
     * context, writing {@code [numTokens][numHeads][headDim]} to {@code out}. Scores are scaled by {@code scale}.
     */
    void pagedAttention(KvLayer layer, AttentionBatch batch, MemorySegment queries, MemorySegment out, float scale);

    /** Copies whole blocks {@code src[i] -> dst[i]} in K and V (copy-on-write). */
    void copyBlocks(KvLayer layer, int[] src, int[] dst);
}
