package dev.infer.server.testing;

import dev.infer.models.testing.SharedModels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A reasoning model small enough for tests: the real Qwen3 tokenizer (with {@code <think>} / {@code </think>}) and
 * a chat template, over a tiny Qwen3 config (2 layers, hidden 64) that the engine runs on random weights in a few
 * milliseconds a step. The vocabulary is Qwen3's, so every marker and special token is real.
 */
public final class TinyReasoningModel {
    /** {@code <think>} and {@code </think>} in the Qwen3 vocabulary. */
    public static final int START = 151667;
    public static final int END = 151668;
    private static final String CONFIG = """
            {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 64,
             "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "head_dim": 16, "vocab_size": 151936, "max_position_embeddings": 4096, "rms_norm_eps": 1e-06,
             "rope_theta": 1000000, "tie_word_embeddings": true, "eos_token_id": 151645, "pad_token_id": 151643,
             "torch_dtype": "float32"}""";

    private TinyReasoningModel() {
    }

    /** Qwen3: the template leaves the opening of the thinking block to the model ({@code enable_thinking} works). */
    public static Path qwen3(Path dir) {
        return write(dir, SharedModels.model("qwen3-0.6b-shape").resolve("chat_template.jinja"));
    }

    /** The DeepSeek-R1-distill template: the reply starts inside the thinking block. */
    public static Path r1Distill(Path dir) {
        return write(dir, SharedModels.chatTemplates().resolve("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja"));
    }

    private static Path write(Path dir, Path template) {
        Path shape = SharedModels.model("qwen3-0.6b-shape");
        try {
            Files.createDirectories(dir);
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json", "generation_config.json"}) {
                Files.copy(shape.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(template, dir.resolve("chat_template.jinja"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("config.json"), CONFIG);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
