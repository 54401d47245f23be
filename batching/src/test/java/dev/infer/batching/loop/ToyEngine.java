package dev.infer.batching.loop;

import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.StepBatch;
import dev.infer.models.config.ModelConfigParser;

/**
 * A deterministic stand-in engine for scheduling simulations: its "K/V" is the token id stored in each slot, and a
 * row's logits are a hash of every token the row's sequence reads back through its block table. Any mistake in
 * block tables, slots, prefix reuse, copy-on-write or recompute changes the output, and it runs in microseconds.
 */
final class ToyEngine implements Engine {
    static final int VOCAB = 64;
    private final ModelInfo info = new ModelInfo(ModelConfigParser.parse("""
            {"model_type": "llama", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1,
             "num_attention_heads": 1, "vocab_size": 64, "max_position_embeddings": 4096}"""),
            ComputeType.FLOAT32, DeviceSpec.CPU, "toy", "toy", "toy");

    static final class ToyCache implements KvCache {
        final int[] slots;
        private final int numBlocks;
        private final int blockSize;

        ToyCache(int numBlocks, int blockSize) {
            this.numBlocks = numBlocks;
            this.blockSize = blockSize;
            this.slots = new int[numBlocks * blockSize];
            java.util.Arrays.fill(slots, -1);
        }

        @Override
        public int numBlocks() {
            return numBlocks;
        }

        @Override
        public int blockSize() {
            return blockSize;
        }

        @Override
        public long bytesPerBlock() {
            return blockSize * 4L;
        }

        @Override
        public void copyBlocks(int[] src, int[] dst) {
            for (int i = 0; i < src.length; i++) {
                System.arraycopy(slots, src[i] * blockSize, slots, dst[i] * blockSize, blockSize);
            }
        }

        @Override
        public void close() {
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public long kvBytesPerBlock(int blockSize) {
        return blockSize * 4L;
    }

    @Override
    public KvCache allocateKv(int numBlocks, int blockSize) {
        return new ToyCache(numBlocks, blockSize);
    }

    @Override
    public Logits forward(StepBatch batch, KvCache kvCache) {
        ToyCache cache = (ToyCache) kvCache;
        batch.validate(VOCAB, info.config().maxPositionEmbeddings(), cache.numBlocks(), cache.blockSize());
        for (int t = 0; t < batch.numTokens(); t++) {
            cache.slots[batch.slotMapping()[t]] = batch.tokenIds()[t];
        }
        float[] out = new float[batch.logitRows().length * VOCAB];
        for (int r = 0; r < batch.logitRows().length; r++) {
            int row = batch.logitRows()[r];
            int seq = 0;
            while (batch.queryStart()[seq + 1] <= row) {
                seq++;
            }
            int[] table = batch.blockTables()[seq];
            long h = 1469598103934665603L;
            for (int pos = 0; pos <= batch.positions()[row]; pos++) {
                int slot = table[pos / cache.blockSize()] * cache.blockSize() + pos % cache.blockSize();
                h = (h ^ cache.slots[slot]) * 1099511628211L;
            }
            for (int v = 0; v < VOCAB; v++) {
                long x = (h + v) * 0x9E3779B97F4A7C15L;
                out[r * VOCAB + v] = (float) ((x >>> 40) / (double) (1L << 24));
            }
        }
        return new Logits(batch.logitRows().length, VOCAB, out);
    }

    @Override
    public void close() {
    }
}
