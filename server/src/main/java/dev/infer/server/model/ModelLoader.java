package dev.infer.server.model;

import dev.infer.engines.ComputeType;
import dev.infer.engines.Engine;
import dev.infer.engines.EngineOptions;
import dev.infer.engines.EngineRegistry;
import dev.infer.models.chat.ChatTemplate;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.demo.DemoModel;
import dev.infer.models.hub.ModelLocator;
import dev.infer.models.tokenizer.GenerationConfig;
import dev.infer.models.tokenizer.SpecialTokens;
import dev.infer.models.tokenizer.TextTokenizer;
import dev.infer.models.weights.DType;
import dev.infer.models.weights.DummyWeights;
import dev.infer.models.weights.SafetensorsWeights;
import dev.infer.models.weights.WeightSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;

/** Resolves {@code --model}, reads the directory and starts the engine, logging what it did. */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private ModelLoader() {
    }

    public static LoadedModel load(LoadSettings settings) {
        Path dir = ModelLocator.fromEnvironment().resolve(settings.model());
        ModelConfig config = ModelConfigParser.read(dir);
        ComputeType computeType = ComputeType.parse(settings.dtype(), config.torchDtype());
        boolean demo = DemoModel.isDemo(dir);
        boolean random = demo || settings.format() == WeightsFormat.DUMMY
                || (settings.format() == WeightsFormat.AUTO && !SafetensorsWeights.present(dir));
        if (random && !demo) {
            LOG.warn("{}: using deterministic RANDOM weights (seed {}){}; the text will be meaningless",
                    dir, settings.dummySeed(), settings.format() == WeightsFormat.AUTO ? " because it holds no safetensors" : "");
        }
        TextTokenizer tokenizer = TextTokenizer.load(dir);
        try {
            Engine engine = startEngine(settings, config, computeType, dir, random, demo);
            Optional<ChatTemplate> template = ChatTemplate.find(dir);
            String name = demo ? DemoModel.MODEL_ARG : settings.model();
            LOG.info("model {} ({} layers, hidden {}, vocab {}, context {}) on {} {} [{}], weights: {}", name,
                    config.numLayers(), config.hiddenSize(), config.vocabSize(), config.maxPositionEmbeddings(),
                    settings.engine(), settings.device(), engine.info().precisionNote(),
                    random ? "random" : "safetensors");
            return new LoadedModel(name, dir, config, tokenizer, SpecialTokens.load(dir, tokenizer),
                    GenerationConfig.load(dir), template, engine, random);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static Engine startEngine(LoadSettings settings, ModelConfig config, ComputeType computeType, Path dir,
                                      boolean random, boolean demo) {
        EngineOptions options = new EngineOptions(computeType, settings.device(), settings.threads(),
                settings.quantization());
        try (WeightSource weights = demo ? DemoModel.weights(dir, dummyType(computeType))
                : random ? DummyWeights.generate(config, dummyType(computeType), settings.dummySeed())
                : SafetensorsWeights.open(dir)) {
            return EngineRegistry.load(settings.engine(), config, weights, options);
        }
    }

    /** Random weights are generated directly in the precision they will run in, to save memory. */
    private static DType dummyType(ComputeType type) {
        return switch (type) {
            case FLOAT32 -> DType.F32;
            case BFLOAT16 -> DType.BF16;
            case FLOAT16 -> DType.F16;
        };
    }
}
