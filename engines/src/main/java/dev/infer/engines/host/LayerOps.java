package dev.infer.engines.host;

import dev.infer.engines.RotaryTable;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The element-wise parts of a Llama block, in Java over the step's off-heap rows: RMSNorm, residual adds,
 * SiLU·up, and splitting the fused q/k/v rows into the attention kernels' tensors with rotary applied. They
 * are a few percent of a step next to the GEMMs; SiLU, the one with a transcendental per element, uses the
 * Vector API, the rest are plain loops.
 * All math is fp32, in the order Hugging Face's modules use.
 */
final class LayerOps {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private LayerOps() {
    }

    /** {@code out[r] = in[r] / sqrt(mean(in[r]²) + eps) * weight} for each of {@code rows} rows of {@code width}. */
    static void rmsNorm(MemorySegment in, MemorySegment out, int rows, int width, float[] weight, float eps) {
        for (int r = 0; r < rows; r++) {
            long base = (long) r * width;
            rmsNormRow(in, base, out, base, width, weight, eps);
        }
    }

    private static void rmsNormRow(MemorySegment in, long inBase, MemorySegment out, long outBase, int width,
                                   float[] weight, float eps) {
        float sum = 0;
        for (int i = 0; i < width; i++) {
            float x = in.getAtIndex(F, inBase + i);
            sum += x * x;
        }
        float inverse = (float) (1.0 / Math.sqrt(sum / width + eps));
        for (int i = 0; i < width; i++) {
            out.setAtIndex(F, outBase + i, in.getAtIndex(F, inBase + i) * inverse * weight[i]);
        }
    }

    /** {@code acc += delta}, element-wise over {@code count} floats. */
    static void addInPlace(MemorySegment acc, MemorySegment delta, long count) {
        for (long i = 0; i < count; i++) {
            acc.setAtIndex(F, i, acc.getAtIndex(F, i) + delta.getAtIndex(F, i));
        }
    }

    /**
     * {@code out[r][i] = silu(gateUp[r][i]) * gateUp[r][width + i]}: the SwiGLU of fused gate/up rows. In SIMD
     * lanes: as a scalar loop around {@code Math.exp} it was the largest Java item of a batched step (JFR, 32
     * streams: more samples than all other Java code together), one exp per element of every row.
     */
    static void siluMul(MemorySegment gateUp, MemorySegment out, int rows, int width) {
        int vectorEnd = SPECIES.loopBound(width);
        for (int r = 0; r < rows; r++) {
            long gate = (long) r * 2 * width * Float.BYTES;
            long up = gate + (long) width * Float.BYTES;
            long o = (long) r * width * Float.BYTES;
            int i = 0;
            for (; i < vectorEnd; i += SPECIES.length()) {
                long at = (long) i * Float.BYTES;
                FloatVector g = FloatVector.fromMemorySegment(SPECIES, gateUp, gate + at, ORDER);
                FloatVector silu = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
                silu.mul(FloatVector.fromMemorySegment(SPECIES, gateUp, up + at, ORDER))
                        .intoMemorySegment(out, o + at, ORDER);
            }
            for (; i < width; i++) {
                long at = (long) i * Float.BYTES;
                float g = gateUp.get(F, gate + at);
                out.set(F, o + at, g / (1 + (float) Math.exp(-g)) * gateUp.get(F, up + at));
            }
        }
    }

    /** Copies rows {@code indices} of {@code src} ({@code width} wide) into consecutive rows of {@code dst}. */
    static void gatherRows(MemorySegment src, int[] indices, int width, MemorySegment dst) {
        long rowBytes = (long) width * Float.BYTES;
        for (int r = 0; r < indices.length; r++) {
            MemorySegment.copy(src, indices[r] * rowBytes, dst, r * rowBytes, rowBytes);
        }
    }

    /** How a step's fused q/k/v rows become the attention kernels' q, k and v. */
    record HeadSplit(int numHeads, int numKvHeads, int headDim, float[] qNorm, float[] kNorm, float eps,
                     RotaryTable rotary) {
        /**
         * For each token: q and k heads (RMSNorm per head first when the model has q/k norms, then rotary at the
         * token's position, Hugging Face's rotate-half form) and v copied as is.
         */
        void apply(MemorySegment qkv, int[] positions, MemorySegment q, MemorySegment k, MemorySegment v) {
            int qSize = numHeads * headDim;
            int kvSize = numKvHeads * headDim;
            int width = qSize + 2 * kvSize;
            for (int t = 0; t < positions.length; t++) {
                long row = (long) t * width;
                for (int h = 0; h < numHeads; h++) {
                    head(qkv, row + (long) h * headDim, q, (long) t * qSize + (long) h * headDim, qNorm, positions[t]);
                }
                for (int h = 0; h < numKvHeads; h++) {
                    head(qkv, row + qSize + (long) h * headDim, k, (long) t * kvSize + (long) h * headDim, kNorm,
                            positions[t]);
                }
                MemorySegment.copy(qkv, (row + qSize + kvSize) * Float.BYTES, v, (long) t * kvSize * Float.BYTES,
                        (long) kvSize * Float.BYTES);
            }
        }

        private void head(MemorySegment src, long from, MemorySegment dst, long to, float[] norm, int position) {
            if (norm != null) {
                rmsNormRow(src, from, dst, to, headDim, norm, eps);
                from = to;
                src = dst;
            }
            int half = headDim / 2;
            float[] cos = rotary.cos();
            float[] sin = rotary.sin();
            int angles = position * half;
            for (int i = 0; i < half; i++) {
                float x1 = src.getAtIndex(F, from + i);
                float x2 = src.getAtIndex(F, from + half + i);
                float c = cos[angles + i];
                float s = sin[angles + i];
                dst.setAtIndex(F, to + i, x1 * c - x2 * s);
                dst.setAtIndex(F, to + half + i, x2 * c + x1 * s);
            }
        }
    }
}
