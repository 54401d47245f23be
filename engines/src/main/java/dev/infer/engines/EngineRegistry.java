package dev.infer.engines;

import dev.infer.engines.djl.DjlEngineFactory;
import dev.infer.engines.host.NativeEngineFactory;
import dev.infer.engines.onnx.OnnxEngineFactory;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.WeightSource;

import java.util.List;
import java.util.Locale;

/** Engines by the names users pass to {@code --engine}. */
public final class EngineRegistry {
    public static final List<String> NAMES = List.of(DjlEngineFactory.NAME, OnnxEngineFactory.NAME,
            NativeEngineFactory.NAME);

    private EngineRegistry() {
    }

    /** Loads {@code weights} into the named engine; the weights may be closed afterwards. */
    public static Engine load(String name, ModelConfig config, WeightSource weights, EngineOptions options) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case DjlEngineFactory.NAME -> DjlEngineFactory.load(config, weights, options);
            case OnnxEngineFactory.NAME, "ort", "onnx" -> OnnxEngineFactory.load(config, weights, options);
            case NativeEngineFactory.NAME -> NativeEngineFactory.load(config, weights, options);
            default -> throw new IllegalArgumentException("--engine " + name + ": unknown engine (available: "
                    + String.join(", ", NAMES) + ")");
        };
    }
}
