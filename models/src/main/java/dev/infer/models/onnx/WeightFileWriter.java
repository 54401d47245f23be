package dev.infer.models.onnx;

import dev.infer.models.weights.Float32Conversion;
import dev.infer.models.weights.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a {@link WeightPlan}'s tensors as one file of ONNX external data: fp32 values, or for quantized keys
 * the {@link BlockQuantizer} codes ({@code <key>.codes}) and scales ({@code <key>.scales}). Every blob starts at
 * a page-aligned offset so ONNX Runtime can map it rather than read it. Converts straight into the
 * memory-mapped file: no heap copy of the weights.
 */
final class WeightFileWriter {
    /** Page alignment: ONNX Runtime memory-maps external data whose offset is aligned to the page size. */
    static final long ALIGNMENT = 4096;
    static final String CODES = ".codes";
    static final String SCALES = ".scales";

    /** One region of the file and how to fill it. */
    private record Blob(long offset, long bytes, Consumer<MemorySegment> fill) {
    }

    private final String location;
    private final List<Blob> blobs = new ArrayList<>();
    private final Map<String, OnnxGraph.ExternalData> byKey = new HashMap<>();
    private long end;

    private WeightFileWriter(Path file) {
        this.location = file.getFileName().toString();
    }

    /**
     * Writes {@code file} and returns where each key's data is, relative to the file's folder: plan keys for fp32
     * tensors, {@code key + CODES} and {@code key + SCALES} for the keys quantized to {@code bits} (0: none).
     */
    static Map<String, OnnxGraph.ExternalData> write(Path file, WeightPlan plan, boolean roundToBf16, int bits) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("ONNX external data is little-endian; this machine is not");
        }
        WeightFileWriter w = new WeightFileWriter(file);
        w.placeFloat32(plan, roundToBf16, bits);
        if (bits > 0) {
            for (String key : plan.linearKeys()) {
                w.placeQuantized(key, plan.get(key), roundToBf16, bits);
            }
        }
        w.fillFile(file);
        return w.byKey;
    }

    /** Every tensor a graph reads as fp32: all of them without quantization, else all but the linear weights. */
    private void placeFloat32(WeightPlan plan, boolean roundToBf16, int bits) {
        Map<WeightPlan.Entry, OnnxGraph.ExternalData> placed = new IdentityHashMap<>();
        for (Map.Entry<String, WeightPlan.Entry> e : plan.entries().entrySet()) {
            if (bits > 0 && plan.linearKeys().contains(e.getKey())) {
                continue;
            }
            WeightPlan.Entry entry = e.getValue();
            OnnxGraph.ExternalData data = placed.computeIfAbsent(entry, en ->
                    place(en.elementCount() * Float.BYTES, dst -> convert(en, dst, roundToBf16)));
            byKey.put(e.getKey(), data);
        }
    }

    private void placeQuantized(String key, WeightPlan.Entry entry, boolean roundToBf16, int bits) {
        BlockQuantizer.Layout layout = new BlockQuantizer.Layout(entry.dims()[0], entry.dims()[1], bits);
        OnnxGraph.ExternalData all = place(layout.totalBytes(), dst -> {
            try (Arena staging = Arena.ofShared()) {
                MemorySegment fp32 = staging.allocate(entry.elementCount() * Float.BYTES, 64);
                convert(entry, fp32, roundToBf16);
                BlockQuantizer.quantize(fp32, layout, dst);
            }
        });
        byKey.put(key + CODES, new OnnxGraph.ExternalData(location, all.offset(), layout.codeBytes()));
        byKey.put(key + SCALES, new OnnxGraph.ExternalData(location, all.offset() + layout.codeBytes(),
                layout.scaleBytes()));
    }

    private OnnxGraph.ExternalData place(long bytes, Consumer<MemorySegment> fill) {
        Blob blob = new Blob(end, bytes, fill);
        blobs.add(blob);
        end = align(end + bytes);
        return new OnnxGraph.ExternalData(location, blob.offset(), bytes);
    }

    private static void convert(WeightPlan.Entry entry, MemorySegment dst, boolean roundToBf16) {
        long floatIndex = 0;
        for (Tensor t : entry.parts()) {
            Float32Conversion.toFloat32(t, dst, floatIndex, roundToBf16);
            floatIndex += t.elementCount();
        }
    }

    private void fillFile(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE); Arena arena = Arena.ofShared()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, Math.max(end, 1), arena);
            for (Blob b : blobs) {
                b.fill().accept(mapped.asSlice(b.offset(), b.bytes()));
            }
            mapped.force();
        } catch (IOException e) {
            throw new UncheckedIOException("writing ONNX weights " + file, e);
        }
    }

    static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
