package dev.infer.batching.loop;

import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.StepBatch;

/**
 * The {@link ToyEngine} as a reasoning model with a scripted will: for a prompt of {@code promptLength} tokens it
 * wants to open the thinking block first (when {@code opensThinking}) and to close it once it has generated
 * {@code naturalLength} tokens, by raising those markers' logits far above the toy's [0, 1) range.
 */
final class ScriptedThinkingEngine implements Engine {
    static final int START = 60;
    static final int END = 61;
    private final ToyEngine toy = new ToyEngine();
    private final int promptLength;
    private final int naturalLength;
    private final boolean opensThinking;

    ScriptedThinkingEngine(int promptLength, int naturalLength, boolean opensThinking) {
        this.promptLength = promptLength;
        this.naturalLength = naturalLength;
        this.opensThinking = opensThinking;
    }

    @Override
    public Logits forward(StepBatch batch, KvCache cache) {
        Logits logits = toy.forward(batch, cache);
        float[] data = logits.data();
        for (int r = 0; r < batch.logitRows().length; r++) {
            int generated = batch.positions()[batch.logitRows()[r]] + 1 - promptLength;
            if (opensThinking && generated == 0) {
                data[r * ToyEngine.VOCAB + START] = 10;
            }
            if (generated >= naturalLength) {
                data[r * ToyEngine.VOCAB + END] = 10;
            }
        }
        return logits;
    }

    @Override
    public ModelInfo info() {
        return toy.info();
    }

    @Override
    public long kvBytesPerBlock(int blockSize) {
        return toy.kvBytesPerBlock(blockSize);
    }

    @Override
    public KvCache allocateKv(int numBlocks, int blockSize) {
        return toy.allocateKv(numBlocks, blockSize);
    }

    @Override
    public void close() {
    }
}
