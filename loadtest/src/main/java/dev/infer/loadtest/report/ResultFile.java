package dev.infer.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The JSON result of one {@code loadtest run}: a label (what was measured, e.g. "ours-djl"), the command line
 * and settings, the metric definitions, and per level its summary and every request's timeline. The HTML
 * report reads these files back, several at once to compare them.
 */
public record ResultFile(String tool, String label, String createdAt, String command, Map<String, String> config,
                         Map<String, String> definitions, List<LevelResult> levels) {
    public static final String TOOL = "dev.infer.loadtest/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ResultFile {
        config = Map.copyOf(config);
        // Kept in the order given: the report lists definitions as written.
        definitions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(definitions));
        levels = List.copyOf(levels);
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static ResultFile read(Path file) {
        try {
            ResultFile r = JSON.readValue(file.toFile(), ResultFile.class);
            if (!TOOL.equals(r.tool())) {
                throw new IllegalArgumentException(file + " is not a loadtest result (tool=" + r.tool() + ")");
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
