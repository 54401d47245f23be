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
import java.util.Collections;
import java.util.Iterator;
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
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                field.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
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
            if (!shape.get(i).canConvertToLong() || shape.get(i).longValue() < 0) {
                throw corrupt(path, "tensor " + name + ": bad shape " + shape);
            }
            dims[i] = shape.get(i).longValue();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataBytes) {
            throw corrupt(path, "tensor " + name + ": data_offsets [" + begin + ", " + end + "] outside the "
                    + dataBytes + " data bytes (truncated file?)");
        }
        return new Entry(dtype.asText(), dims, begin, end);
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
        long expected = Tensor.elementCount(e.shape()) * dtype.bytes();
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
