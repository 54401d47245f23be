package dev.infer.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.infer.models.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Reading the small JSON side files of a Hugging Face model directory. A missing file reads as an empty
 * object (every field then falls back); a file that is present but broken is an error that names the file,
 * because silently ignoring it would change generation behaviour without a trace.
 */
final class ModelJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelJson() {
    }

    /** The file's root object, or a missing node when the file does not exist. */
    static JsonNode readOptional(Path file) {
        if (!Files.isRegularFile(file)) {
            return MissingNode.getInstance();
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object at the top level");
        }
        return root;
    }

    /** {@code field} as one id or a list of ids (the two forms Hugging Face writes for eos_token_id). */
    static List<Integer> ids(JsonNode root, String field, Path file) {
        JsonNode node = root.path(field);
        List<Integer> ids = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return ids;
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            ids.add(node.intValue());
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                    throw new ModelFormatException(file + ": " + field + " must hold integers, got " + n);
                }
                ids.add(n.intValue());
            }
        } else {
            throw new ModelFormatException(
                    file + ": " + field + " must be an integer or a list of integers, got " + node);
        }
        return ids;
    }

    static OptionalInt optionalInt(JsonNode root, String field, Path file) {
        JsonNode node = root.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return OptionalInt.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new ModelFormatException(file + ": " + field + " must be an integer, got " + node);
        }
        return OptionalInt.of(node.intValue());
    }

    static OptionalDouble optionalDouble(JsonNode root, String field, Path file) {
        JsonNode node = root.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return OptionalDouble.empty();
        }
        if (!node.isNumber()) {
            throw new ModelFormatException(file + ": " + field + " must be a number, got " + node);
        }
        return OptionalDouble.of(node.doubleValue());
    }

    static Optional<Boolean> optionalBoolean(JsonNode root, String field, Path file) {
        JsonNode node = root.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw new ModelFormatException(file + ": " + field + " must be true or false, got " + node);
        }
        return Optional.of(node.booleanValue());
    }

    /**
     * A special token as tokenizer_config.json writes it: a plain string, or an AddedToken object
     * {@code {"content": "...", "lstrip": false, ...}}; null or absent means no such token.
     */
    static Optional<String> tokenString(JsonNode root, String field, Path file) {
        JsonNode node = root.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            return Optional.of(node.textValue());
        }
        if (node.isObject() && node.path("content").isTextual()) {
            return Optional.of(node.path("content").textValue());
        }
        throw new ModelFormatException(
                file + ": " + field + " must be a string or an object with \"content\", got " + node);
    }
}
