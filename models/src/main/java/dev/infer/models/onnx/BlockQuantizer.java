package dev.infer.models.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.LongStream;

/**
 * Symmetric weight-only quantization of a {@code [n][k]} fp32 matrix in blocks of {@value #BLOCK} values along
 * {@code k}, in the layout of ONNX Runtime's {@code com.microsoft.MatMulNBits}: per row, per block, the codes
 * packed little end first (two 4-bit codes per byte, low nibble first), and one fp32 scale per block. No zero
 * points are stored, so the runtime uses its default of {@code 2^(bits-1)}: code = round(w / scale) + 2^(bits-1)
 * with scale = max|w| / (2^(bits-1) - 1). A last partial block is padded with zero weights.
 */
final class BlockQuantizer {
    static final int BLOCK = 32;

    /** Sizes of the packed codes and scales of one matrix. */
    record Layout(long n, long k, int bits) {
        long blocksPerRow() {
            return (k + BLOCK - 1) / BLOCK;
        }

        int blobBytes() {
            return BLOCK * bits / 8;
        }

        long codeBytes() {
            return n * blocksPerRow() * blobBytes();
        }

        long scaleBytes() {
            return n * blocksPerRow() * Float.BYTES;
        }

        /** Codes, then scales at the next 4-byte boundary (codes are whole blobs, so no padding is needed). */
        long totalBytes() {
            return codeBytes() + scaleBytes();
        }
    }

    private BlockQuantizer() {
    }

    /** Quantizes {@code fp32} into {@code out}: codes at 0, scales at {@link Layout#codeBytes()}. */
    static void quantize(MemorySegment fp32, Layout layout, MemorySegment out) {
        if (layout.bits() != 4 && layout.bits() != 8) {
            throw new IllegalArgumentException("MatMulNBits export supports 4 or 8 bits, not " + layout.bits());
        }
        LongStream.range(0, layout.n()).parallel().forEach(row -> quantizeRow(fp32, layout, out, row));
    }

    private static void quantizeRow(MemorySegment fp32, Layout layout, MemorySegment out, long row) {
        int bits = layout.bits();
        int maxCode = (1 << (bits - 1)) - 1;
        int zero = 1 << (bits - 1);
        long k = layout.k();
        float[] block = new float[BLOCK];
        for (long b = 0; b < layout.blocksPerRow(); b++) {
            float maxAbs = 0;
            for (int i = 0; i < BLOCK; i++) {
                long col = b * BLOCK + i;
                block[i] = col < k ? fp32.getAtIndex(ValueLayout.JAVA_FLOAT, row * k + col) : 0f;
                maxAbs = Math.max(maxAbs, Math.abs(block[i]));
            }
            float scale = maxAbs == 0 ? 1f : maxAbs / maxCode;
            long blockIndex = row * layout.blocksPerRow() + b;
            out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, layout.codeBytes() / Float.BYTES + blockIndex, scale);
            long blob = blockIndex * layout.blobBytes();
            for (int i = 0; i < BLOCK; i++) {
                int code = Math.clamp(Math.round(block[i] / scale), -maxCode - 1, maxCode) + zero;
                if (bits == 8) {
                    out.set(ValueLayout.JAVA_BYTE, blob + i, (byte) code);
                } else if (i % 2 == 0) {
                    out.set(ValueLayout.JAVA_BYTE, blob + i / 2, (byte) code);
                } else {
                    byte low = out.get(ValueLayout.JAVA_BYTE, blob + i / 2);
                    out.set(ValueLayout.JAVA_BYTE, blob + i / 2, (byte) (low | code << 4));
                }
            }
        }
    }
}
