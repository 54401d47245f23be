package dev.infer.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A weight matrix {@code [rows][cols]} (rows = outputs, cols = inputs, as Hugging Face stores linear weights) in
 * one {@link LinearFormat}, off-heap (on huge pages where possible: {@link HugePageMemory}) and 64-byte aligned,
 * owned by this object until {@link #close()}.
 *
 * <p>Layout of {@link #data()}: F32 and BF16 are row-major values. Q8 is all codes first, row-major
 * ({@code rows × cols} int8), then all scales, row-major ({@code rows × cols/32} fp32): code {@code c} of row
 * {@code r} means {@code codes[r][c] * scales[r][c / 32]}.
 */
public final class PackedMatrix implements AutoCloseable {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Arena arena;
    private final LinearFormat format;
    private final int rows;
    private final int cols;
    private final MemorySegment data;

    private PackedMatrix(LinearFormat format, int rows, int cols) {
        this.arena = Arena.ofShared();
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.data = HugePageMemory.allocate(arena, format.bytes(rows, cols));
    }

    /** Packs the fp32 matrix {@code values} ({@code rows × cols}, row-major, native byte order) into {@code format}. */
    public static PackedMatrix pack(MemorySegment values, int rows, int cols, LinearFormat format) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("matrix shape must be positive, got " + rows + " x " + cols);
        }
        if (!format.accepts(cols)) {
            throw new IllegalArgumentException(format + " needs columns divisible by " + LinearFormat.Q8_BLOCK
                    + ", got " + cols);
        }
        if (values.byteSize() < (long) rows * cols * Float.BYTES) {
            throw new IllegalArgumentException("values hold " + values.byteSize() + " bytes, a " + rows + " x " + cols
                    + " fp32 matrix needs " + (long) rows * cols * Float.BYTES);
        }
        PackedMatrix m = new PackedMatrix(format, rows, cols);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(values, FLOAT, (long) r * cols * Float.BYTES, row, 0, cols);
            m.packRow(r, row);
        }
        return m;
    }

    /** Packs a heap matrix (tests, small models). */
    public static PackedMatrix pack(float[] values, int rows, int cols, LinearFormat format) {
        return pack(MemorySegment.ofArray(values), rows, cols, format);
    }

    private void packRow(int r, float[] row) {
        long base = (long) r * cols;
        switch (format) {
            case F32 -> MemorySegment.copy(row, 0, data, FLOAT, base * Float.BYTES, cols);
            case BF16 -> {
                for (int c = 0; c < cols; c++) {
                    data.set(SHORT, (base + c) * 2, toBf16(row[c]));
                }
            }
            case Q8 -> packQ8Row(r, row);
        }
    }

    private void packQ8Row(int r, float[] row) {
        int blocks = cols / LinearFormat.Q8_BLOCK;
        long scales = (long) rows * cols;
        for (int b = 0; b < blocks; b++) {
            int from = b * LinearFormat.Q8_BLOCK;
            float max = 0;
            for (int c = from; c < from + LinearFormat.Q8_BLOCK; c++) {
                max = Math.max(max, Math.abs(row[c]));
            }
            float scale = max / 127f;
            float inverse = scale == 0 ? 0 : 1 / scale;
            for (int c = from; c < from + LinearFormat.Q8_BLOCK; c++) {
                data.set(ValueLayout.JAVA_BYTE, (long) r * cols + c, (byte) Math.round(row[c] * inverse));
            }
            data.set(FLOAT, scales + ((long) r * blocks + b) * Float.BYTES, scale);
        }
    }

    /** Round to nearest even on the 16 bits dropped (NaN stays NaN), as PyTorch converts fp32 to bf16. */
    static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Row {@code r} as fp32 values, exactly as the kernels see it (dequantized): the reference, and embedding lookups. */
    public void unpackRow(int r, float[] out, int offset) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException("row " + r + " of " + rows);
        }
        long base = (long) r * cols;
        switch (format) {
            case F32 -> MemorySegment.copy(data, FLOAT, base * Float.BYTES, out, offset, cols);
            case BF16 -> {
                for (int c = 0; c < cols; c++) {
                    out[offset + c] = Float.intBitsToFloat(data.get(SHORT, (base + c) * 2) << 16);
                }
            }
            case Q8 -> {
                int blocks = cols / LinearFormat.Q8_BLOCK;
                long scales = (long) rows * cols;
                for (int c = 0; c < cols; c++) {
                    float scale = data.get(FLOAT, scales + ((long) r * blocks + c / LinearFormat.Q8_BLOCK) * Float.BYTES);
                    out[offset + c] = data.get(ValueLayout.JAVA_BYTE, base + c) * scale;
                }
            }
        }
    }

    public LinearFormat format() {
        return format;
    }

    /** Outputs. */
    public int rows() {
        return rows;
    }

    /** Inputs. */
    public int cols() {
        return cols;
    }

    /** The packed bytes (see the class comment for the layout). */
    public MemorySegment data() {
        return data;
    }

    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }
}
