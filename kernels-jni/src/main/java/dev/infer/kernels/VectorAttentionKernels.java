package dev.infer.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Pure-Java kernels on the Vector API: one pass over each sequence's blocks with an online softmax, all query
 * heads of a KV group handled together so each cached K/V row is read once per group. Work is split over
 * (sequence, KV head) pairs on a private pool whose size the engine sets, so it never competes with the
 * common pool (which on small machines has a single thread).
 */
public final class VectorAttentionKernels implements AttentionKernels, AutoCloseable {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final KernelPool pool;

    public VectorAttentionKernels(int threads) {
        this.pool = new KernelPool("attention-kernels", threads);
    }

    /** Name prefix of this instance's worker threads (for thread dumps and leak checks). */
    public String threadPrefix() {
        return pool.threadPrefix();
    }

    @Override
    public String name() {
        return "java-vector(" + SPECIES.length() + " lanes, " + pool.parallelism() + " threads)";
    }

    @Override
    public void writeKv(KvLayer layer, MemorySegment newKeys, MemorySegment newValues, int[] slotMapping) {
        KvLayout.writeRows(layer, newKeys, newValues, slotMapping);
    }

    @Override
    public void copyBlocks(KvLayer layer, int[] src, int[] dst) {
        KvLayout.copyBlocks(layer, src, dst);
    }

    @Override
    public void pagedAttention(KvLayer layer, AttentionBatch batch, MemorySegment queries, MemorySegment out,
                               float scale) {
        KvLayout.checkQueries(layer, batch, queries.byteSize(), out.byteSize());
        int kvHeads = layer.shape().numKvHeads();
        pool.forEach(batch.numSeqs() * kvHeads,
                task -> attendGroup(layer, batch, queries, out, scale, task / kvHeads, task % kvHeads));
    }

    /** All query rows of one sequence for the query heads sharing {@code kvHead}. */
    private static void attendGroup(KvLayer layer, AttentionBatch batch, MemorySegment queries, MemorySegment out,
                                    float scale, int seq, int kvHead) {
        AttentionShape shape = layer.shape();
        int group = shape.groupSize();
        int d = shape.headDim();
        int qLen = batch.queryLen(seq);
        int ctx = batch.contextLens()[seq];
        int[] table = batch.blockTables()[seq];
        float[] q = new float[group * d];
        float[] acc = new float[group * d];
        float[] scores = new float[group * shape.blockSize()];
        float[] max = new float[group];
        float[] sum = new float[group];
        for (int j = 0; j < qLen; j++) {
            int token = batch.queryStart()[seq] + j;
            int firstHead = kvHead * group;
            MemorySegment.copy(queries, ValueLayout.JAVA_FLOAT,
                    KvLayout.tokenHeadOffset(token, shape.numHeads(), firstHead, d), q, 0, group * d);
            Arrays.fill(acc, 0f);
            Arrays.fill(max, Float.NEGATIVE_INFINITY);
            Arrays.fill(sum, 0f);
            int positions = ctx - qLen + j + 1;
            for (int start = 0; start < positions; start += shape.blockSize()) {
                int n = Math.min(shape.blockSize(), positions - start);
                long blockSlot = (long) table[start / shape.blockSize()] * shape.blockSize();
                scoreBlock(layer, shape, kvHead, blockSlot, n, q, scores, scale, group);
                accumulateBlock(layer, shape, kvHead, blockSlot, n, scores, acc, max, sum, group);
            }
            for (int g = 0; g < group; g++) {
                float inv = 1f / sum[g];
                for (int i = 0; i < d; i++) {
                    acc[g * d + i] *= inv;
                }
            }
            MemorySegment.copy(acc, 0, out, ValueLayout.JAVA_FLOAT,
                    KvLayout.tokenHeadOffset(token, shape.numHeads(), firstHead, d), group * d);
        }
    }

    private static void scoreBlock(KvLayer layer, AttentionShape shape, int kvHead, long blockSlot, int n, float[] q,
                                   float[] scores, float scale, int group) {
        int d = shape.headDim();
        int bs = shape.blockSize();
        for (int i = 0; i < n; i++) {
            long kOff = KvLayout.slotHeadOffset(shape, blockSlot + i, kvHead);
            for (int g = 0; g < group; g++) {
                scores[g * bs + i] = dot(q, g * d, layer.keys(), kOff, d) * scale;
            }
        }
    }

    /** Online softmax: rescale what was accumulated when a block raises the running max, then add its V rows. */
    private static void accumulateBlock(KvLayer layer, AttentionShape shape, int kvHead, long blockSlot, int n,
                                        float[] scores, float[] acc, float[] max, float[] sum, int group) {
        int d = shape.headDim();
        int bs = shape.blockSize();
        for (int g = 0; g < group; g++) {
            float blockMax = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                blockMax = Math.max(blockMax, scores[g * bs + i]);
            }
            float newMax = Math.max(max[g], blockMax);
            if (newMax > max[g] && sum[g] > 0) {
                float correction = (float) Math.exp(max[g] - newMax);
                sum[g] *= correction;
                scale(acc, g * d, d, correction);
            }
            max[g] = newMax;
            for (int i = 0; i < n; i++) {
                float w = (float) Math.exp(scores[g * bs + i] - newMax);
                sum[g] += w;
                axpy(w, layer.values(), KvLayout.slotHeadOffset(shape, blockSlot + i, kvHead), acc, g * d, d);
            }
        }
    }

    private static float dot(float[] q, int qOff, MemorySegment k, long kByteOff, int d) {
        int i = 0;
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int bound = SPECIES.loopBound(d); i < bound; i += SPECIES.length()) {
            FloatVector qv = FloatVector.fromArray(SPECIES, q, qOff + i);
            FloatVector kv = FloatVector.fromMemorySegment(SPECIES, k, kByteOff + (long) i * Float.BYTES, ORDER);
            sum = qv.fma(kv, sum);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (; i < d; i++) {
            s += q[qOff + i] * k.getAtIndex(ValueLayout.JAVA_FLOAT, kByteOff / Float.BYTES + i);
        }
        return s;
    }

    private static void axpy(float w, MemorySegment v, long vByteOff, float[] acc, int accOff, int d) {
        int i = 0;
        FloatVector wv = FloatVector.broadcast(SPECIES, w);
        for (int bound = SPECIES.loopBound(d); i < bound; i += SPECIES.length()) {
            FloatVector vv = FloatVector.fromMemorySegment(SPECIES, v, vByteOff + (long) i * Float.BYTES, ORDER);
            FloatVector a = FloatVector.fromArray(SPECIES, acc, accOff + i);
            vv.fma(wv, a).intoArray(acc, accOff + i);
        }
        for (; i < d; i++) {
            acc[accOff + i] += w * v.getAtIndex(ValueLayout.JAVA_FLOAT, vByteOff / Float.BYTES + i);
        }
    }

    private static void scale(float[] acc, int off, int d, float factor) {
        for (int i = 0; i < d; i++) {
            acc[off + i] *= factor;
        }
    }

    /** Stops the worker threads, waiting for any running kernel to finish. */
    @Override
    public void close() {
        pool.close();
    }
}
