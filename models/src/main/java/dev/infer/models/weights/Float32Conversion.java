package dev.infer.models.weights;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.LongStream;

/**
 * Widens stored weights (F32 / F16 / BF16) to fp32 in a destination segment, optionally rounding to bf16
 * precision: engines that run "bfloat16" on fp32 kernels (DJL's PyTorch, ONNX Runtime's CPU GEMMs) keep
 * bf16-rounded values in fp32 so their results match a real bf16 checkpoint's weights.
 */
public final class Float32Conversion {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final long CHUNK = 1 << 20;

    private Float32Conversion() {
    }

    /** Writes {@code t} as fp32 (native byte order) into {@code dst} starting at float index {@code dstIndex}. */
    public static void toFloat32(Tensor t, MemorySegment dst, long dstIndex, boolean roundToBf16) {
        long n = t.elementCount();
        MemorySegment src = t.data();
        long chunks = (n + CHUNK - 1) / CHUNK;
        LongStream.range(0, chunks).parallel().forEach(c -> {
            long from = c * CHUNK;
            long to = Math.min(n, from + CHUNK);
            switch (t.dtype()) {
                case F32 -> {
                    for (long i = from; i < to; i++) {
                        float v = src.getAtIndex(F32_LE, i);
                        dst.setAtIndex(F32, dstIndex + i, roundToBf16 ? roundToBfloat16(v) : v);
                    }
                }
                case BF16 -> {
                    for (long i = from; i < to; i++) {
                        dst.setAtIndex(F32, dstIndex + i, Float.intBitsToFloat((src.getAtIndex(U16_LE, i) & 0xFFFF) << 16));
                    }
                }
                case F16 -> {
                    for (long i = from; i < to; i++) {
                        float v = Float.float16ToFloat(src.getAtIndex(U16_LE, i));
                        dst.setAtIndex(F32, dstIndex + i, roundToBf16 ? roundToBfloat16(v) : v);
                    }
                }
            }
        });
    }

    /** Round-to-nearest-even to the 8-bit mantissa of bfloat16 (what {@code tensor.to(torch.bfloat16)} does). */
    public static float roundToBfloat16(float v) {
        if (Float.isNaN(v)) {
            return v;
        }
        int bits = Float.floatToRawIntBits(v);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }
}
