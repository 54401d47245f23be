package dev.infer.engines.kv;

import dev.infer.engines.KvCache;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.AttentionShape;
import dev.infer.kernels.KvLayer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A paged fp32 K/V cache in host memory: per layer, one K and one V segment of
 * {@code [numBlocks][blockSize][numKvHeads][headDim]}. The kernels read and write it in place.
 */
public final class HostKvCache implements KvCache {
    private static final long ALIGNMENT = 64;

    private final Arena arena = Arena.ofShared();
    private final KvLayer[] layers;
    private final AttentionShape shape;
    private final AttentionKernels kernels;
    private final int numBlocks;

    public HostKvCache(int numLayers, int numBlocks, AttentionShape shape, AttentionKernels kernels) {
        if (numBlocks <= 0) {
            throw new IllegalArgumentException("numBlocks must be > 0, got " + numBlocks);
        }
        this.shape = shape;
        this.kernels = kernels;
        this.numBlocks = numBlocks;
        this.layers = new KvLayer[numLayers];
        long bytes = numBlocks * shape.blockFloats() * Float.BYTES;
        for (int l = 0; l < numLayers; l++) {
            MemorySegment keys = arena.allocate(bytes, ALIGNMENT);
            MemorySegment values = arena.allocate(bytes, ALIGNMENT);
            layers[l] = new KvLayer(keys, values, numBlocks, shape);
        }
    }

    /** Bytes per block for a model with this many layers and this attention shape. */
    public static long bytesPerBlock(int numLayers, AttentionShape shape) {
        return 2L * numLayers * shape.blockFloats() * Float.BYTES;
    }

    public KvLayer layer(int index) {
        return layers[index];
    }

    @Override
    public int numBlocks() {
        return numBlocks;
    }

    @Override
    public int blockSize() {
        return shape.blockSize();
    }

    @Override
    public long bytesPerBlock() {
        return bytesPerBlock(layers.length, shape);
    }

    @Override
    public void copyBlocks(int[] src, int[] dst) {
        for (KvLayer layer : layers) {
            kernels.copyBlocks(layer, src, dst);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
