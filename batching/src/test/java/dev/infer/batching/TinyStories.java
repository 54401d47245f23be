package dev.infer.batching;

import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.djl.DjlEngine;
import dev.infer.engines.djl.DjlEngineFactory;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.weights.SafetensorsWeights;

import java.nio.file.Path;

/** The real tinystories-656k model on the DJL engine (fp32, 2 threads), as batching's tests use it. */
public final class TinyStories {
    private TinyStories() {
    }

    public static Path directory() {
        return SharedModels.model("tinystories-656k");
    }

    /** A fresh engine; the caller closes it. Skips the test when the shared models are absent. */
    public static DjlEngine engine() {
        Path dir = directory();
        try (SafetensorsWeights weights = SafetensorsWeights.open(dir)) {
            return DjlEngineFactory.load(ModelConfigParser.read(dir), weights,
                    new EngineOptions(ComputeType.FLOAT32, DeviceSpec.CPU, 2));
        }
    }
}
