package dev.infer.engines.onnx;

import dev.infer.kernels.KvLayer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Moves one sequence's K (or V) between the paged cache ({@code [slot][kvHead][headDim]}) and the dense
 * per-sequence layout of a {@code past_key_values} tensor ({@code [1][kvHead][position][headDim]}).
 */
final class PastKvTransfer {
    private PastKvTransfer() {
    }

    /** Positions {@code [0, past)} of the sequence with {@code blockTable} into {@code dst} (dense layout). */
    static void gather(KvLayer layer, MemorySegment cache, int[] blockTable, int past, MemorySegment dst) {
        int heads = layer.shape().numKvHeads();
        int dim = layer.shape().headDim();
        int blockSize = layer.shape().blockSize();
        long rowBytes = (long) dim * Float.BYTES;
        for (int p = 0; p < past; p++) {
            long slot = (long) blockTable[p / blockSize] * blockSize + p % blockSize;
            for (int h = 0; h < heads; h++) {
                MemorySegment.copy(cache, (slot * heads + h) * rowBytes, dst, ((long) h * past + p) * rowBytes, rowBytes);
            }
        }
    }

    /**
     * Positions {@code [from, from + count)} of a dense {@code [1][kvHead][total][headDim]} present tensor as
     * rows {@code [count][kvHead][headDim]}, the layout the kernels write into cache slots.
     */
    static float[] newRows(float[] present, int heads, int total, int dim, int from, int count) {
        float[] rows = new float[count * heads * dim];
        for (int j = 0; j < count; j++) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(present, ((h * total) + from + j) * dim, rows, (j * heads + h) * dim, dim);
            }
        }
        return rows;
    }

    static MemorySegment segment(float[] values) {
        MemorySegment s = Arena.ofAuto().allocate((long) values.length * Float.BYTES, 64);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT, 0, values.length);
        return s;
    }
}
