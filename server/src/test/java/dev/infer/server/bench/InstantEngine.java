package dev.infer.server.bench;

import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.StepBatch;
import dev.infer.models.config.ModelConfig;

import java.util.Arrays;

/**
 * An engine that computes nothing: each logit row puts all its weight on one token chosen from the row's
 * position, so sampling is instant and deterministic. It exists to measure the front ends (HTTP SSE, gRPC) and
 * the engine loop without a model's cost in the way; it keeps no K/V.
 */
final class InstantEngine implements Engine {
    /** Tokens emitted in turn; ids above the special tokens of a byte/BPE vocabulary, so they have text. */
    private static final int FIRST_TOKEN = 300;
    private static final int CYCLE = 500;

    private final ModelInfo info;

    InstantEngine(ModelConfig config) {
        this.info = new ModelInfo(config, ComputeType.FLOAT32, DeviceSpec.CPU, "instant", "none",
                "no computation: a front-end benchmark engine");
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public long kvBytesPerBlock(int blockSize) {
        return 1;
    }

    @Override
    public KvCache allocateKv(int numBlocks, int blockSize) {
        return new KvCache() {
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
                return 1;
            }

            @Override
            public void copyBlocks(int[] src, int[] dst) {
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public Logits forward(StepBatch batch, KvCache cache) {
        int vocab = info.config().vocabSize();
        int[] rows = batch.logitRows();
        float[] data = new float[rows.length * vocab];
        Arrays.fill(data, -30f);
        for (int r = 0; r < rows.length; r++) {
            int token = FIRST_TOKEN + batch.positions()[rows[r]] % Math.min(CYCLE, vocab - FIRST_TOKEN);
            data[r * vocab + token] = 30f;
        }
        return new Logits(rows.length, vocab, data);
    }

    @Override
    public void close() {
    }
}
