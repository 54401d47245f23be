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
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes a {@link WeightPlan}'s tensors as one file of little-endian fp32 values (ONNX external data), each
 * tensor at a page-aligned offset so ONNX Runtime can map it rather than read it. Converts straight into
 * the memory-mapped file: no heap copy of the weights.
 */
final class WeightFileWriter {
    /** Page alignment: ONNX Runtime memory-maps external data whose offset is aligned to the page size. */
    static final long ALIGNMENT = 4096;

    private WeightFileWriter() {
    }

    /** Writes {@code file} and returns where each plan key's data is, relative to the file's folder. */
    static Map<String, OnnxGraph.ExternalData> write(Path file, WeightPlan plan, boolean roundToBf16) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("ONNX external data is little-endian; this machine is not");
        }
        Map<WeightPlan.Entry, OnnxGraph.ExternalData> placed = new IdentityHashMap<>();
        long end = 0;
        for (Map.Entry<String, WeightPlan.Entry> e : plan.distinct()) {
            long bytes = e.getValue().elementCount() * Float.BYTES;
            placed.put(e.getValue(), new OnnxGraph.ExternalData(file.getFileName().toString(), end, bytes));
            end = align(end + bytes);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE); Arena arena = Arena.ofShared()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, Math.max(end, 1), arena);
            for (Map.Entry<WeightPlan.Entry, OnnxGraph.ExternalData> p : placed.entrySet()) {
                long floatIndex = p.getValue().offset() / Float.BYTES;
                for (Tensor t : p.getKey().parts()) {
                    Float32Conversion.toFloat32(t, mapped, floatIndex, roundToBf16);
                    floatIndex += t.elementCount();
                }
            }
            mapped.force();
        } catch (IOException e) {
            throw new UncheckedIOException("writing ONNX weights " + file, e);
        }
        Map<String, OnnxGraph.ExternalData> byKey = new HashMap<>();
        plan.entries().forEach((key, entry) -> byKey.put(key, placed.get(entry)));
        return byKey;
    }

    static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
