package dev.infer.engines.kv;

import dev.infer.engines.Engine;
import dev.infer.engines.KvCache;
import dev.infer.engines.ModelInfo;
import dev.infer.kernels.AttentionKernels;
import dev.infer.models.config.ModelConfig;

/**
 * The part of the {@link Engine} contract that is the same for every engine whose K/V lives in a
 * {@link HostKvCache} and whose attention runs in {@code kernels-jni}: what it loaded and its cache.
 */
public abstract class HostKvEngine implements Engine {
    protected final ModelConfig config;
    protected final HostAttention attention;
    private final ModelInfo info;

    protected HostKvEngine(ModelInfo info, AttentionKernels kernels) {
        this.info = info;
        this.config = info.config();
        this.attention = new HostAttention(config, kernels);
    }

    @Override
    public final ModelInfo info() {
        return info;
    }

    @Override
    public final long kvBytesPerBlock(int blockSize) {
        return attention.kvBytesPerBlock(blockSize);
    }

    @Override
    public final KvCache allocateKv(int numBlocks, int blockSize) {
        return attention.allocate(numBlocks, blockSize);
    }
}
