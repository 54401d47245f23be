package dev.infer.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The plain, obviously-correct implementation: scalar loops, two-pass softmax in double precision.
 * Every faster implementation is tested against this one; it is never used to serve.
 */
public final class ReferenceAttentionKernels implements AttentionKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public void writeKv(KvLayer layer, MemorySegment newKeys, MemorySegment newValues, int[] slotMapping) {
        KvLayout.writeRows(layer, newKeys, newValues, slotMapping);
    }

    @Override
    public void pagedAttention(KvLayer layer, AttentionBatch batch, MemorySegment queries, MemorySegment out,
                               float scale) {
        KvLayout.checkQueries(layer, batch, queries.byteSize(), out.byteSize());
        AttentionShape shape = layer.shape();
        for (int s = 0; s < batch.numSeqs(); s++) {
            int qLen = batch.queryLen(s);
            int ctx = batch.contextLens()[s];
            for (int j = 0; j < qLen; j++) {
                int token = batch.queryStart()[s] + j;
                int lastPos = ctx - qLen + j;
                for (int h = 0; h < shape.numHeads(); h++) {
                    attendOne(layer, batch.blockTables()[s], queries, out, token, h, lastPos, scale);
                }
            }
        }
    }

    private static void attendOne(KvLayer layer, int[] table, MemorySegment queries, MemorySegment out, int token,
                                  int head, int lastPos, float scale) {
        AttentionShape shape = layer.shape();
        int d = shape.headDim();
        int kvHead = head / shape.groupSize();
        long qOff = KvLayout.tokenHeadOffset(token, shape.numHeads(), head, d);
        double[] scores = new double[lastPos + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int p = 0; p <= lastPos; p++) {
            long kOff = KvLayout.slotHeadOffset(shape, KvLayout.slotOf(table, p, shape.blockSize()), kvHead);
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += (double) queries.getAtIndex(F, qOff / 4 + i) * layer.keys().getAtIndex(F, kOff / 4 + i);
            }
            scores[p] = dot * scale;
            max = Math.max(max, scores[p]);
        }
        double sum = 0;
        for (int p = 0; p <= lastPos; p++) {
            scores[p] = Math.exp(scores[p] - max);
            sum += scores[p];
        }
        double[] acc = new double[d];
        for (int p = 0; p <= lastPos; p++) {
            long vOff = KvLayout.slotHeadOffset(shape, KvLayout.slotOf(table, p, shape.blockSize()), kvHead);
            for (int i = 0; i < d; i++) {
                acc[i] += scores[p] / sum * layer.values().getAtIndex(F, vOff / 4 + i);
            }
        }
        for (int i = 0; i < d; i++) {
            out.setAtIndex(F, qOff / 4 + i, (float) acc[i]);
        }
    }

    @Override
    public void copyBlocks(KvLayer layer, int[] src, int[] dst) {
        KvLayout.copyBlocks(layer, src, dst);
    }
}
