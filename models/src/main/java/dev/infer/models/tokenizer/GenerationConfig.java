package dev.infer.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The model author's generation defaults from {@code generation_config.json}. Absent fields stay empty so the
 * caller can tell "the model says 0.7" from "nobody said anything" and apply its own defaults.
 *
 * @param bosTokenId        {@code bos_token_id}
 * @param eosTokenIds       {@code eos_token_id}, one id or a list (Qwen lists both {@code <|im_end|>} and
 *                          {@code <|endoftext|>}); empty when absent
 * @param padTokenId        {@code pad_token_id}
 * @param doSample          {@code do_sample}: false means greedy decoding is intended
 * @param temperature       {@code temperature}
 * @param topP              {@code top_p}
 * @param topK              {@code top_k}
 * @param minP              {@code min_p}
 * @param repetitionPenalty {@code repetition_penalty}
 * @param maxNewTokens      {@code max_new_tokens}
 * @param maxLength         {@code max_length} (prompt plus generated tokens)
 */
public record GenerationConfig(
        OptionalInt bosTokenId,
        List<Integer> eosTokenIds,
        OptionalInt padTokenId,
        Optional<Boolean> doSample,
        OptionalDouble temperature,
        OptionalDouble topP,
        OptionalInt topK,
        OptionalDouble minP,
        OptionalDouble repetitionPenalty,
        OptionalInt maxNewTokens,
        OptionalInt maxLength) {

    public static final String FILE_NAME = "generation_config.json";

    public GenerationConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    public static GenerationConfig empty() {
        return new GenerationConfig(OptionalInt.empty(), List.of(), OptionalInt.empty(), Optional.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalInt.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /** Reads {@code generation_config.json}; a missing file gives {@link #empty()}. */
    public static GenerationConfig load(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        JsonNode root = ModelJson.readOptional(file);
        if (root.isMissingNode()) {
            return empty();
        }
        return new GenerationConfig(
                ModelJson.optionalInt(root, "bos_token_id", file),
                ModelJson.ids(root, "eos_token_id", file),
                ModelJson.optionalInt(root, "pad_token_id", file),
                ModelJson.optionalBoolean(root, "do_sample", file),
                ModelJson.optionalDouble(root, "temperature", file),
                ModelJson.optionalDouble(root, "top_p", file),
                ModelJson.optionalInt(root, "top_k", file),
                ModelJson.optionalDouble(root, "min_p", file),
                ModelJson.optionalDouble(root, "repetition_penalty", file),
                ModelJson.optionalInt(root, "max_new_tokens", file),
                ModelJson.optionalInt(root, "max_length", file));
    }
}
