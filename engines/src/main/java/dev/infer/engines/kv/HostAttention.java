package dev.infer.engines.kv;

import dev.infer.engines.KvCache;
import dev.infer.engines.StepBatch;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.AttentionShape;
import dev.infer.models.config.ModelConfig;

/**
 * What every CPU engine that attends through {@code kernels-jni} shares: the model's attention shape, its
 * {@link HostKvCache}, checking a step against that cache, and the kernels' lifetime.
 */
public final class HostAttention implements AutoCloseable {
    private final ModelConfig config;
    private final AttentionKernels kernels;

    public HostAttention(ModelConfig config, AttentionKernels kernels) {
        this.config = config;
        this.kernels = kernels;
    }

    public AttentionKernels kernels() {
        return kernels;
    }

    /** 1 / sqrt(headDim), the scores' scale. */
    public float scale() {
        return (float) (1.0 / Math.sqrt(config.headDim()));
    }

    public AttentionShape shape(int blockSize) {
        return new AttentionShape(config.numHeads(), config.numKvHeads(), config.headDim(), blockSize);
    }

    public long kvBytesPerBlock(int blockSize) {
        return HostKvCache.bytesPerBlock(config.numLayers(), shape(blockSize));
    }

    public HostKvCache allocate(int numBlocks, int blockSize) {
        return new HostKvCache(config.numLayers(), numBlocks, shape(blockSize), kernels);
    }

    /** The step's cache as the host cache this engine allocated, after checking the step against it. */
    public HostKvCache checkStep(StepBatch batch, KvCache cache, String engine) {
        if (!(cache instanceof HostKvCache kv)) {
            throw new IllegalArgumentException(engine + " needs its own HostKvCache, got " + cache.getClass());
        }
        batch.validate(config.vocabSize(), config.maxPositionEmbeddings(), kv.numBlocks(), kv.blockSize());
        return kv;
    }

    /** Closes kernels an engine failed to start with, keeping {@code failure} as the error to report. */
    public static void closeAfterFailure(AttentionKernels kernels, Exception failure) {
        try {
            new HostAttention(null, kernels).close();
        } catch (RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /** Closes the kernels (their thread pool) when they hold resources. */
    @Override
    public void close() {
        if (kernels instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing kernels", e);
            }
        }
    }
}
