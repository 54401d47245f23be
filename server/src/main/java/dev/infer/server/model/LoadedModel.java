package dev.infer.server.model;

import dev.infer.engines.Engine;
import dev.infer.models.chat.ChatTemplate;
import dev.infer.models.config.ModelConfig;
import dev.infer.models.tokenizer.GenerationConfig;
import dev.infer.models.tokenizer.SpecialTokens;
import dev.infer.models.tokenizer.TextTokenizer;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A model ready to serve: where it came from, its tokenizer and special tokens, its chat template (if any),
 * and the engine holding its weights. Closing it releases the engine and the tokenizer.
 *
 * @param randomWeights true when the weights are random (demo or dummy): its text means nothing
 */
public record LoadedModel(String name, Path directory, ModelConfig config, TextTokenizer tokenizer,
                          SpecialTokens specialTokens, GenerationConfig generationConfig,
                          Optional<ChatTemplate> chatTemplate, Engine engine, boolean randomWeights)
        implements AutoCloseable {

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            tokenizer.close();
        }
    }
}
