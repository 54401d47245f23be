package dev.infer.engines.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.engines.ComputeType;
import dev.infer.engines.DeviceSpec;
import dev.infer.engines.Engine;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.KvCache;
import dev.infer.engines.SequenceRunner;
import dev.infer.engines.TinyStoriesReferenceTest;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.onnx.PastKvDecoderGraph;
import dev.infer.models.onnx.WeightFormat;
import dev.infer.models.testing.SharedModels;
import dev.infer.models.weights.SafetensorsWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A decoder file in the Hugging Face {@code past_key_values} layout, written by our own graph writer from
 * tinystories-656k, run through the paged-KV step: it must give the reference greedy ids and pass the mixed
 * ragged step test, which only holds if K/V move between the paged cache and the past/present tensors right.
 */
class PastKvEngineTest {
    private static final EngineOptions FP32 = new EngineOptions(ComputeType.FLOAT32, DeviceSpec.CPU, 2);

    @Test
    void anExportedPastKeyValuesDecoderGivesTheReferenceGreedyIds(@TempDir Path dir) throws IOException {
        Path tiny = SharedModels.model("tinystories-656k");
        ModelConfig config = ModelConfigParser.read(tiny);
        Path model;
        try (SafetensorsWeights weights = SafetensorsWeights.open(tiny)) {
            model = PastKvDecoderGraph.export(dir, config, weights, WeightFormat.FLOAT32);
        }
        try (Engine engine = OnnxEngineFactory.loadPastKv(model, config, FP32);
             KvCache cache = engine.allocateKv(256, 16)) {
            TinyStoriesReferenceTest.greedyIdsEqualTheReference(engine, cache,
                    new ObjectMapper().readTree(tiny.resolve("REFERENCE_GREEDY.json").toFile()));
            TinyStoriesReferenceTest.mixedStepMatchesAlone(new SequenceRunner(engine, cache));
        }
    }
}
