package dev.infer.models.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.ModelFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One {@code .safetensors} file, memory-mapped with {@link java.lang.foreign} so files over 2 GiB work.
 * Layout: an 8-byte little-endian header length, a JSON header mapping names to dtype, shape and
 * {@code data_offsets} (relative to the end of the header), then the tensor bytes. Every offset is
 * checked against the file before any tensor is handed out, so a truncated file fails here, not in a kernel.
 */
public final class SafetensorsFile implements WeightSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers are small; a huge length means a corrupt or non-safetensors file. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private record Entry(String dtype, long[] shape, long begin, long end) {
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapped, long dataStart,
                            Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw corrupt(path, "file is " + size + " bytes, shorter than the 8-byte header length");
            }
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
                throw corrupt(path, "header length " + headerLen + " does not fit the file (" + size + " bytes)");
            }
            byte[] header = mapped.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            long dataStart = 8 + headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(path, header, size - dataStart, metadata);
            return new SafetensorsFile(path, arena, mapped, dataStart, entries, metadata);
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, Entry> parseHeader(Path path, byte[] header, long dataBytes,
                                                  Map<String, String> metadata) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw corrupt(path, "header is not valid JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw corrupt(path, "header is not a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals("__metadata__")) {
                field.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.put(field.getKey(), parseEntry(path, field.getKey(), field.getValue(), dataBytes));
        }
        return Collections.unmodifiableMap(entries);
    }

    private static Entry parseEntry(Path path, String name, JsonNode node, long dataBytes) {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray()
                || offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw corrupt(path, "tensor " + name + ": header entry needs dtype, shape and two data_offsets");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = nonNegativeLong(shape.get(i));
            if (dims[i] < 0) {
                throw corrupt(path, "tensor " + name + ": bad shape " + shape);
            }
        }
        long begin = nonNegativeLong(offsets.get(0));
        long end = nonNegativeLong(offsets.get(1));
        if (begin < 0 || end < begin || end > dataBytes) {
            throw corrupt(path, "tensor " + name + ": data_offsets " + offsets + " outside the "
                    + dataBytes + " data bytes (truncated file?)");
        }
        // Sizes are checked here for every dtype we can read, so a bad header fails at open, not mid-load;
        // a tensor of a dtype we cannot read (I64, F8, ...) only fails if someone asks for it.
        DType known = knownDType(dtype.asText());
        if (known != null) {
            long expected = byteSize(path, name, dims, known);
            if (end - begin != expected) {
                throw corrupt(path, "tensor " + name + " holds " + (end - begin) + " bytes, its shape "
                        + shape + " and dtype " + dtype.asText() + " need " + expected);
            }
        }
        return new Entry(dtype.asText(), dims, begin, end);
    }

    /** The value of an integral JSON number that fits a long and is not negative, else -1. */
    private static long nonNegativeLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0 ? n.longValue() : -1;
    }

    private static DType knownDType(String name) {
        for (DType t : DType.values()) {
            if (t.safetensorsName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private static long byteSize(Path path, String name, long[] shape, DType dtype) {
        try {
            return Math.multiplyExact(Tensor.elementCount(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw corrupt(path, "tensor " + name + ": shape " + Arrays.toString(shape)
                    + " overflows a 64-bit size");
        }
    }

    private static ModelFormatException corrupt(Path path, String what) {
        return new ModelFormatException(path + ": not a valid safetensors file: " + what);
    }

    public Path path() {
        return path;
    }

    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    @Override
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException(path + ": no tensor named " + name);
        }
        DType dtype;
        try {
            dtype = DType.fromSafetensors(e.dtype());
        } catch (IllegalArgumentException ex) {
            throw new ModelFormatException(path + ": tensor " + name + ": " + ex.getMessage(), ex);
        }
        long expected = byteSize(path, name, e.shape(), dtype);
        if (e.end() - e.begin() != expected) {
            throw corrupt(path, "tensor " + name + " holds " + (e.end() - e.begin()) + " bytes, its shape and dtype need "
                    + expected);
        }
        return new Tensor(name, dtype, e.shape(), mapped.asSlice(dataStart + e.begin(), expected));
    }

    @Override
    public void close() {
        arena.close();
    }
}
