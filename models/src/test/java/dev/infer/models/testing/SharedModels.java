package dev.infer.models.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find {@code ../shared/models}: the system property {@code inference.models.dir} (set by the
 * build), else the environment variable {@code INFERENCE_MODELS_DIR}, else {@code ../shared/models} relative
 * to the repository. Tests that need a model skip with a clear message only when the folder is absent.
 */
public final class SharedModels {
    private SharedModels() {
    }

    public static Path root() {
        String prop = System.getProperty("inference.models.dir");
        if (prop == null || prop.isBlank()) {
            prop = System.getenv("INFERENCE_MODELS_DIR");
        }
        Path root = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("..", "..", "shared", "models");
        return root.toAbsolutePath().normalize();
    }

    /** The named model directory, or skips the calling test when the shared models are not on this machine. */
    public static Path model(String name) {
        Path dir = root().resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(dir),
                "shared model " + name + " not found at " + dir + " (set -Dinference.models.dir or INFERENCE_MODELS_DIR)");
        return dir;
    }

    /** The shared chat-templates folder next to the models. */
    public static Path chatTemplates() {
        Path dir = root().resolveSibling("chat-templates");
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared chat templates not found at " + dir);
        return dir;
    }
}
