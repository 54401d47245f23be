package dev.infer.engines;

/**
 * The physical paged K/V storage an engine allocated. The KV-cache manager only ever hands out block ids in
 * {@code [0, numBlocks)}; what a block is in memory belongs to the engine.
 */
public interface KvCache extends AutoCloseable {
    int numBlocks();

    int blockSize();

    /** Bytes one block takes across all layers, K and V. */
    long bytesPerBlock();

    /** Copies whole blocks {@code src[i] -> dst[i]} in every layer (copy-on-write of a shared block). */
    void copyBlocks(int[] src, int[] dst);

    @Override
    void close();
}
