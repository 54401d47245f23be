package dev.infer.kernels;

import java.lang.foreign.MemorySegment;

/**
 * One layer's paged K and V cache in host memory, fp32, laid out {@code [numBlocks][blockSize][numKvHeads][headDim]}.
 * Slot {@code s} (= block * blockSize + offset) holds one token's K (and V) row.
 */
public record KvLayer(MemorySegment keys, MemorySegment values, int numBlocks, AttentionShape shape) {
    public KvLayer {
        long expected = numBlocks * shape.blockFloats() * Float.BYTES;
        if (keys.byteSize() != expected || values.byteSize() != expected) {
            throw new IllegalArgumentException("KV layer segments hold " + keys.byteSize() + "/" + values.byteSize()
                    + " bytes; " + numBlocks + " blocks need " + expected);
        }
    }

    public int numSlots() {
        return numBlocks * shape.blockSize();
    }
}
