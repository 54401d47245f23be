package dev.infer.models.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.ModelFormatException;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The built-in demo model, so the server runs on a fresh machine with no files and no network: a small Llama
 * config, a byte-level tokenizer and a chat template, written on first use to {@code <root>/demo-v1}; the
 * weights are random, generated at load time by {@link DummyWeights} from a fixed seed (see the README it
 * writes). The directory name carries a version so a change to these files never mixes with an old copy.
 *
 * <p>Writing is idempotent and atomic: files go to a temporary sibling directory that is renamed into place,
 * so concurrent callers (threads or processes) either see no directory or a complete one; a damaged or stale
 * directory is replaced.
 */
public final class DemoModel {
    /** The model argument that selects the demo model. */
    public static final String MODEL_ARG = "demo";
    public static final String DIRECTORY_NAME = "demo-v1";
    /** Marks a directory whose weights are generated, and holds their seed. */
    public static final String MARKER_FILE = "dummy_weights.json";
    public static final long WEIGHT_SEED = 20_251_124L;

    private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);
    private static final int PUBLISH_ATTEMPTS = 5;

    private DemoModel() {
    }

    /** {@code $XDG_CACHE_HOME/inference-server}, else {@code ~/.cache/inference-server}. */
    public static Path defaultRoot(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "inference-server");
        }
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache", "inference-server");
    }

    /** Writes the demo model under {@code root} unless an identical copy is there; returns its directory. */
    public static Path ensure(Path root) {
        Path target = root.resolve(DIRECTORY_NAME).toAbsolutePath();
        Map<String, byte[]> files = DemoModelFiles.contents();
        try {
            if (matches(target, files)) {
                return target;
            }
            Files.createDirectories(target.getParent());
            removeStaleTemporaries(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), "." + DIRECTORY_NAME + ".tmp-");
            try {
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    Files.write(tmp.resolve(f.getKey()), f.getValue());
                }
                return publish(tmp, target, files);
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo model to " + target + ": " + e.getMessage(), e);
        }
    }

    private static Path publish(Path tmp, Path target, Map<String, byte[]> files) throws IOException {
        for (int attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (AtomicMoveNotSupportedException e) {
                throw e;
            } catch (FileSystemException e) {
                // The target exists: another caller published first (fine), or an old or damaged copy is there.
                if (matches(target, files)) {
                    return target;
                }
                Path stale = target.resolveSibling("." + DIRECTORY_NAME + ".stale-" + UUID.randomUUID());
                try {
                    Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                deleteTree(stale);
            }
        }
        throw new IOException("could not replace " + target + " after " + PUBLISH_ATTEMPTS + " attempts");
    }

    /** True if {@code dir} holds generated weights (the demo model, or any directory with the marker file). */
    public static boolean isDemo(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER_FILE));
    }

    /** The demo model's weights: {@link DummyWeights} for its config with the seed from its marker file. */
    public static DummyWeights weights(Path dir, DType dtype) {
        Path marker = dir.resolve(MARKER_FILE);
        JsonNode seed;
        try {
            seed = new ObjectMapper().readTree(marker.toFile()).path("seed");
        } catch (IOException e) {
            throw new ModelFormatException(marker + ": cannot read: " + e.getMessage(), e);
        }
        if (!seed.canConvertToLong()) {
            throw new ModelFormatException(marker + ": missing integer field seed");
        }
        return DummyWeights.generate(ModelConfigParser.read(dir), dtype, seed.longValue());
    }

    private static boolean matches(Path dir, Map<String, byte[]> files) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            try {
                if (!Files.isRegularFile(p) || Files.size(p) != f.getValue().length
                        || !Arrays.equals(Files.readAllBytes(p), f.getValue())) {
                    return false;
                }
            } catch (NoSuchFileException e) {
                return false;
            }
        }
        return true;
    }

    /** Temp and stale directories left by a crashed process; young ones may belong to a live writer. */
    private static void removeStaleTemporaries(Path root) throws IOException {
        Instant cutoff = Instant.now().minus(STALE_TEMP_AGE);
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith("." + DIRECTORY_NAME + ".")).toList()) {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                        deleteTree(p);
                    }
                } catch (IOException e) {
                    // Someone else removed it first.
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // Already gone.
        }
    }
}
