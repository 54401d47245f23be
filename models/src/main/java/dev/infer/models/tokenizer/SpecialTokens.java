package dev.infer.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The BOS id and every id that ends generation, combined from the three places a model directory states them.
 *
 * <p>EOS ids are the union, in this order, of {@code generation_config.json}'s {@code eos_token_id},
 * {@code config.json}'s {@code eos_token_id} and {@code tokenizer_config.json}'s {@code eos_token} (mapped to its
 * id): chat models often list the turn end ({@code <|im_end|>}) in one file and the document end in another,
 * and stopping on either is what their authors intend. BOS and PAD take the first of the same three sources
 * that has one.
 *
 * @param bosTokenId  the id to start a sequence with, if the model has one (Qwen has none)
 * @param eosTokenIds ids that end generation, without duplicates, in precedence order
 * @param padTokenId  the padding id, if any
 */
public record SpecialTokens(OptionalInt bosTokenId, List<Integer> eosTokenIds, OptionalInt padTokenId) {
    private static final Logger LOG = LoggerFactory.getLogger(SpecialTokens.class);
    public static final String MODEL_CONFIG = "config.json";

    public SpecialTokens {
        eosTokenIds = List.copyOf(new LinkedHashSet<>(eosTokenIds));
    }

    /** Resolves from a model directory, mapping tokenizer_config token strings through the tokenizer. */
    public static SpecialTokens load(Path modelDir, TextTokenizer tokenizer) {
        return load(modelDir, tokenizer::tokenId);
    }

    /**
     * Resolves from a model directory; any of the three files may be missing.
     *
     * @param tokenIds maps a token string from tokenizer_config.json to its id
     */
    public static SpecialTokens load(Path modelDir, Function<String, OptionalInt> tokenIds) {
        Path configFile = modelDir.resolve(MODEL_CONFIG);
        JsonNode config = ModelJson.readOptional(configFile);
        return resolve(GenerationConfig.load(modelDir),
                ModelJson.optionalInt(config, "bos_token_id", configFile),
                ModelJson.ids(config, "eos_token_id", configFile),
                ModelJson.optionalInt(config, "pad_token_id", configFile),
                TokenizerConfig.load(modelDir), tokenIds);
    }

    static SpecialTokens resolve(GenerationConfig generation, OptionalInt configBos, List<Integer> configEos,
                                 OptionalInt configPad, TokenizerConfig tokenizer,
                                 Function<String, OptionalInt> tokenIds) {
        Set<Integer> eos = new LinkedHashSet<>(generation.eosTokenIds());
        eos.addAll(configEos);
        idOf(tokenizer.eosToken(), tokenIds).ifPresent(eos::add);
        return new SpecialTokens(
                first(generation.bosTokenId(), configBos, idOf(tokenizer.bosToken(), tokenIds)),
                List.copyOf(eos),
                first(generation.padTokenId(), configPad, idOf(tokenizer.padToken(), tokenIds)));
    }

    /** Whether generating this id ends the sequence. */
    public boolean isEos(int tokenId) {
        for (int i = 0, n = eosTokenIds.size(); i < n; i++) {
            if (eosTokenIds.get(i) == tokenId) {
                return true;
            }
        }
        return false;
    }

    /** The EOS ids as a primitive array, for hot loops that check every sampled token. */
    public int[] eosTokenIdArray() {
        return eosTokenIds.stream().mapToInt(Integer::intValue).toArray();
    }

    private static OptionalInt idOf(Optional<String> token, Function<String, OptionalInt> tokenIds) {
        if (token.isEmpty()) {
            return OptionalInt.empty();
        }
        OptionalInt id = tokenIds.apply(token.get());
        if (id.isEmpty()) {
            LOG.warn("tokenizer_config.json names special token {} that the tokenizer does not know; ignoring it",
                    token.get());
        }
        return id;
    }

    private static OptionalInt first(OptionalInt a, OptionalInt b, OptionalInt c) {
        return a.isPresent() ? a : b.isPresent() ? b : c;
    }
}
