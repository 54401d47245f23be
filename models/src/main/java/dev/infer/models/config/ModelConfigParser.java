package dev.infer.models.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code config.json}, applying the defaults the Hugging Face config classes apply. */
public final class ModelConfigParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelConfigParser() {
    }

    public static ModelConfig read(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        try {
            return parse(JSON.readTree(file.toFile()));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ModelFormatException(modelDir + ": no config.json (is this a Hugging Face model directory?)");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": not valid JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    public static ModelConfig parse(String json) {
        try {
            return parse(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("config.json: not valid JSON: " + e.getMessage(), e);
        }
    }

    static ModelConfig parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("config.json must be a JSON object");
        }
        JsonNode modelType = root.get("model_type");
        if (modelType == null || !modelType.isTextual()) {
            throw new IllegalArgumentException("missing field model_type (expected one of llama, mistral, qwen2, qwen3)");
        }
        Architecture arch = Architecture.fromModelType(modelType.asText());
        int hidden = requiredInt(root, "hidden_size");
        int heads = requiredInt(root, "num_attention_heads");
        int kvHeads = optionalInt(root, "num_key_value_heads", heads);
        int headDim = optionalInt(root, "head_dim", heads > 0 ? hidden / heads : 0);
        return new ModelConfig(
                arch,
                hidden,
                requiredInt(root, "intermediate_size"),
                requiredInt(root, "num_hidden_layers"),
                heads,
                kvHeads,
                headDim,
                requiredInt(root, "vocab_size"),
                servedContext(root, arch),
                optionalDouble(root, "rms_norm_eps", 1e-6),
                ropeTheta(root),
                ropeScaling(root.get("rope_scaling")),
                optionalBoolean(root, "attention_bias", arch.qkvBiasByDefault()),
                optionalBoolean(root, "tie_word_embeddings", false),
                text(root, "torch_dtype", text(root, "dtype", "float32")),
                root.hasNonNull("bos_token_id") ? requiredInt(root, "bos_token_id") : null,
                tokenIds(root.get("eos_token_id"), "eos_token_id"));
    }

    /**
     * The context we serve. Sliding-window attention (Mistral v0.1: {@code sliding_window} 4096 under 32k positions)
     * is not implemented, so such models are served only up to the window, where full attention is exact.
     * Qwen configs carry a {@code sliding_window} too but switch it off with {@code use_sliding_window: false}.
     */
    private static int servedContext(JsonNode root, Architecture arch) {
        int maxPositions = optionalInt(root, "max_position_embeddings", 2048);
        boolean windowOn = optionalBoolean(root, "use_sliding_window", arch == Architecture.MISTRAL);
        if (windowOn && root.hasNonNull("sliding_window")) {
            return Math.min(maxPositions, requiredInt(root, "sliding_window"));
        }
        return maxPositions;
    }

    private static double ropeTheta(JsonNode root) {
        if (root.hasNonNull("rope_theta")) {
            return optionalDouble(root, "rope_theta", 10000.0);
        }
        JsonNode params = root.get("rope_parameters");
        if (params != null && params.hasNonNull("rope_theta")) {
            return optionalDouble(params, "rope_theta", 10000.0);
        }
        return 10000.0;
    }

    private static RopeScaling ropeScaling(JsonNode node) {
        if (node == null || node.isNull()) {
            return RopeScaling.NONE;
        }
        String type = text(node, "rope_type", text(node, "type", "default"));
        return switch (type) {
            case "default" -> RopeScaling.NONE;
            case "linear" -> new RopeScaling(type, optionalDouble(node, "factor", 1.0), 1.0, 1.0, 0);
            case "llama3" -> new RopeScaling(type, optionalDouble(node, "factor", 8.0),
                    optionalDouble(node, "low_freq_factor", 1.0), optionalDouble(node, "high_freq_factor", 4.0),
                    optionalInt(node, "original_max_position_embeddings", 8192));
            default -> throw new IllegalArgumentException(
                    "unsupported rope_scaling.rope_type \"" + type + "\"; supported: default, linear, llama3");
        };
    }

    static List<Integer> tokenIds(JsonNode node, String field) {
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isInt()) {
            ids.add(node.intValue());
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isInt()) {
                    throw new IllegalArgumentException(field + " must hold integers, got " + n);
                }
                ids.add(n.intValue());
            }
        } else {
            throw new IllegalArgumentException(field + " must be an integer or a list of integers, got " + node);
        }
        return ids;
    }

    private static int requiredInt(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing field " + field);
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static int optionalInt(JsonNode root, String field, int fallback) {
        return root.hasNonNull(field) ? requiredInt(root, field) : fallback;
    }

    private static double optionalDouble(JsonNode root, String field, double fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private static boolean optionalBoolean(JsonNode root, String field, boolean fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static String text(JsonNode root, String field, String fallback) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? fallback : n.asText();
    }
}
