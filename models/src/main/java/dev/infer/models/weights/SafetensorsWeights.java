package dev.infer.models.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a model directory: {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json}. Each name resolves to exactly one mapped file.
 */
public final class SafetensorsWeights implements WeightSource {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path modelDir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byName;

    private SafetensorsWeights(Path modelDir, List<SafetensorsFile> files, Map<String, SafetensorsFile> byName) {
        this.modelDir = modelDir;
        this.files = files;
        this.byName = byName;
    }

    /** True if the directory holds safetensors weights (single file or sharded index). */
    public static boolean present(Path modelDir) {
        return Files.isRegularFile(modelDir.resolve(INDEX_FILE)) || Files.isRegularFile(modelDir.resolve(SINGLE_FILE));
    }

    public static SafetensorsWeights open(Path modelDir) {
        Path index = modelDir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(modelDir, index);
        }
        Path single = modelDir.resolve(SINGLE_FILE);
        if (!Files.isRegularFile(single)) {
            throw new ModelFormatException(modelDir + ": no " + SINGLE_FILE + " or " + INDEX_FILE);
        }
        SafetensorsFile file = SafetensorsFile.open(single);
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        file.names().forEach(n -> byName.put(n, file));
        return new SafetensorsWeights(modelDir, List.of(file), byName);
    }

    private static SafetensorsWeights openSharded(Path modelDir, Path index) {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shardName = e.getValue();
                // Absolute paths: a relative modelDir such as "." normalizes to "", which every path starts with.
                Path shardPath = modelDir.toAbsolutePath().resolve(shardName).normalize();
                if (!shardPath.startsWith(modelDir.toAbsolutePath().normalize())) {
                    throw new ModelFormatException(index + ": weight_map entry " + e.getKey()
                            + " points outside the model directory: " + shardName);
                }
                SafetensorsFile shard = shards.get(shardName);
                if (shard == null) {
                    if (!Files.isRegularFile(shardPath)) {
                        throw new ModelFormatException(index + ": shard " + shardName + " (for " + e.getKey()
                                + ") is missing");
                    }
                    shard = SafetensorsFile.open(shardPath);
                    shards.put(shardName, shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new ModelFormatException(index + ": weight_map says " + e.getKey() + " is in " + shardName
                            + " but that shard does not hold it");
                }
                byName.put(e.getKey(), shard);
            }
        } catch (RuntimeException ex) {
            shards.values().forEach(SafetensorsFile::close);
            throw ex;
        }
        return new SafetensorsWeights(modelDir, new ArrayList<>(shards.values()), byName);
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(index + ": not valid JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(index + ": missing object field weight_map");
        }
        Map<String, String> result = new LinkedHashMap<>();
        map.properties().forEach(f -> {
            if (!f.getValue().isTextual()) {
                throw new ModelFormatException(index + ": weight_map." + f.getKey() + " must be a file name");
            }
            result.put(f.getKey(), f.getValue().asText());
        });
        return result;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    @Override
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
        SafetensorsFile file = byName.get(name);
        if (file == null) {
            throw new ModelFormatException(modelDir + ": the safetensors weights hold no tensor named " + name);
        }
        return file.get(name);
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
