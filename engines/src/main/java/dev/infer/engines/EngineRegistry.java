package dev.infer.engines;

import dev.infer.engines.djl.DjlEngineFactory;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.WeightSource;

import java.util.List;
import java.util.Locale;

/** Engines by the names users pass to {@code --engine}. */
public final class EngineRegistry {
    public static final List<String> NAMES = List.of(DjlEngineFactory.NAME);

    private EngineRegistry() {
    }

    /** Loads {@code weights} into the named engine; the weights may be closed afterwards. */
    public static Engine load(String name, ModelConfig config, WeightSource weights, EngineOptions options) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case DjlEngineFactory.NAME -> DjlEngineFactory.load(config, weights, options);
            case "onnxruntime", "ort" -> throw new IllegalArgumentException(
                    "--engine onnxruntime: the ONNX Runtime engine is not part of this build yet; use --engine djl");
            default -> throw new IllegalArgumentException("--engine " + name + ": unknown engine (available: "
                    + String.join(", ", NAMES) + ")");
        };
    }
}
