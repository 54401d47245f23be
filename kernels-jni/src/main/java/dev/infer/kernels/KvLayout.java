package dev.infer.kernels;

import java.lang.foreign.MemorySegment;

/** Byte offsets into a {@link KvLayer}'s segments and the engine's row-major token tensors. */
final class KvLayout {
    private KvLayout() {
    }

    /** Byte offset of the K/V row of {@code kvHead} for cache slot {@code slot}. */
    static long slotHeadOffset(AttentionShape shape, long slot, int kvHead) {
        return (slot * shape.kvRowFloats() + (long) kvHead * shape.headDim()) * Float.BYTES;
    }

    /** Cache slot of position {@code pos} of a sequence with the given block table. */
    static long slotOf(int[] blockTable, int pos, int blockSize) {
        return (long) blockTable[pos / blockSize] * blockSize + pos % blockSize;
    }

    /** Byte offset of (token, head) in a {@code [tokens][heads][headDim]} tensor. */
    static long tokenHeadOffset(int token, int heads, int head, int headDim) {
        return ((long) token * heads + head) * headDim * Float.BYTES;
    }

    /**
     * Plain memory copies shared by every host implementation: new K/V rows into their slots, and whole
     * blocks for copy-on-write. Both validate first.
     */
    static void writeRows(KvLayer layer, MemorySegment newKeys, MemorySegment newValues, int[] slotMapping) {
        long rowBytes = (long) layer.shape().kvRowFloats() * Float.BYTES;
        checkSlots(layer, slotMapping, rowBytes, newKeys.byteSize(), newValues.byteSize());
        for (int t = 0; t < slotMapping.length; t++) {
            if (slotMapping[t] >= 0) {
                long dst = slotMapping[t] * rowBytes;
                MemorySegment.copy(newKeys, t * rowBytes, layer.keys(), dst, rowBytes);
                MemorySegment.copy(newValues, t * rowBytes, layer.values(), dst, rowBytes);
            }
        }
    }

    static void copyBlocks(KvLayer layer, int[] src, int[] dst) {
        checkBlocks(layer, src, dst);
        long blockBytes = layer.shape().blockFloats() * Float.BYTES;
        for (int i = 0; i < src.length; i++) {
            MemorySegment.copy(layer.keys(), src[i] * blockBytes, layer.keys(), dst[i] * blockBytes, blockBytes);
            MemorySegment.copy(layer.values(), src[i] * blockBytes, layer.values(), dst[i] * blockBytes, blockBytes);
        }
    }

    static void checkSlots(KvLayer layer, int[] slotMapping, long tokenBytes, long keyBytes, long valueBytes) {
        long needed = slotMapping.length * tokenBytes;
        if (keyBytes < needed || valueBytes < needed) {
            throw new IllegalArgumentException("new K/V tensors hold " + keyBytes + "/" + valueBytes + " bytes; "
                    + slotMapping.length + " tokens need " + needed);
        }
        int slots = layer.numSlots();
        for (int t = 0; t < slotMapping.length; t++) {
            if (slotMapping[t] >= slots) {
                throw new IllegalArgumentException("slotMapping[" + t + "] = " + slotMapping[t] + " outside the cache's "
                        + slots + " slots");
            }
        }
    }

    static void checkBlocks(KvLayer layer, int[] src, int[] dst) {
        if (src.length != dst.length) {
            throw new IllegalArgumentException("copyBlocks: " + src.length + " sources but " + dst.length + " targets");
        }
        for (int i = 0; i < src.length; i++) {
            if (src[i] < 0 || src[i] >= layer.numBlocks() || dst[i] < 0 || dst[i] >= layer.numBlocks()) {
                throw new IllegalArgumentException("copyBlocks: block " + src[i] + " -> " + dst[i] + " outside the cache's "
                        + layer.numBlocks() + " blocks");
            }
        }
    }

    static void checkQueries(KvLayer layer, AttentionBatch batch, long queryBytes, long outBytes) {
        batch.validate(layer.numBlocks(), layer.shape().blockSize());
        long needed = (long) batch.numTokens() * layer.shape().qRowFloats() * Float.BYTES;
        if (queryBytes < needed || outBytes < needed) {
            throw new IllegalArgumentException("query/output tensors hold " + queryBytes + "/" + outBytes + " bytes; "
                    + batch.numTokens() + " tokens need " + needed);
        }
    }
}
