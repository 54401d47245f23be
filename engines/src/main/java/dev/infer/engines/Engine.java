package dev.infer.engines;

/**
 * The seam between the scheduler and a model runtime: one forward pass over one ragged, paged-KV step.
 * An engine holds weights only; sequences, block tables and the generate loop live above it. Not thread-safe:
 * one engine loop thread drives it.
 */
public interface Engine extends AutoCloseable {
    ModelInfo info();

    /** Bytes one KV block of {@code blockSize} tokens takes (all layers, K and V), to size the pool. */
    long kvBytesPerBlock(int blockSize);

    KvCache allocateKv(int numBlocks, int blockSize);

    /** Runs the step, writing new K/V into {@code cache}, and returns logits for {@code batch.logitRows()}. */
    Logits forward(StepBatch batch, KvCache cache);

    @Override
    void close();
}
