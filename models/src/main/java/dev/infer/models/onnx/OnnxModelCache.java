package dev.infer.models.onnx;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.ModelWeights;
import dev.infer.models.weights.WeightSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The decoder's ONNX graphs and fp32 weights on disk, under {@code <root>/<checkpoint hash>/}: written once
 * (into a temporary folder, then renamed, so a crash or a concurrent writer never leaves half a model),
 * reused on every later start with the same weights, config and precision.
 */
public final class OnnxModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModelCache.class);
    /** Overrides the default root ({@code ~/.cache/inference-server/onnx}). */
    public static final String ROOT_PROPERTY = "inference.onnx.cache";

    private OnnxModelCache() {
    }

    public static Path defaultRoot() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "inference-server", "onnx");
    }

    /** The cached files for these weights, written first if absent. */
    public static DecoderModelFiles prepare(Path root, ModelConfig config, WeightSource source, WeightFormat format) {
        ModelWeights weights = ModelWeights.of(source);
        weights.validate(config);
        WeightPlan plan = WeightPlan.of(config, weights);
        long start = System.nanoTime();
        String hash = CheckpointHash.of(config, plan, format);
        Path dir = root.resolve(hash);
        DecoderModelFiles files = new DecoderModelFiles(dir, config.numLayers());
        if (Files.isRegularFile(files.head())) {
            LOG.info("ONNX model {} found in the cache (hashed in {} ms)", dir, millisSince(start));
            return files;
        }
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, hash + ".tmp");
            write(new DecoderModelFiles(tmp, config.numLayers()), config, plan, format);
            publish(tmp, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the ONNX model cache under " + root, e);
        }
        LOG.info("ONNX model written to {} in {} ms", dir, millisSince(start));
        return files;
    }

    /** Weights first, graphs after; the head graph is written last because its presence marks a whole model. */
    private static void write(DecoderModelFiles files, ModelConfig config, WeightPlan plan, WeightFormat format)
            throws IOException {
        Map<String, OnnxGraph.ExternalData> data = WeightFileWriter.write(files.weights(), plan, format.roundToBf16(),
                format.quantBits());
        DecoderGraphs graphs = new DecoderGraphs(config, plan, data, format.quantBits());
        Files.write(files.embedding(), graphs.embedding().toModel(DecoderGraphs.OPSET));
        for (int l = 0; l < config.numLayers(); l++) {
            Files.write(files.attentionInput(l), graphs.attentionInput(l).toModel(DecoderGraphs.OPSET));
            Files.write(files.attentionOutput(l), graphs.attentionOutput(l).toModel(DecoderGraphs.OPSET));
        }
        Files.write(files.head(), graphs.head().toModel(DecoderGraphs.OPSET));
    }

    /** Renames the finished folder into place; if another process won the race, keeps theirs. */
    private static void publish(Path tmp, Path dir) throws IOException {
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(tmp);
        } catch (AtomicMoveNotSupportedException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
