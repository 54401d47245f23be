package dev.infer.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.models.ModelFormatException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code tokenizer_config.json} says about special tokens and chat templates. Every field is optional:
 * base models often ship without the file, and Qwen-style configs set {@code bos_token} to null.
 *
 * @param bosToken      the BOS token text ({@code bos_token}, string or AddedToken object)
 * @param eosToken      the EOS token text
 * @param unkToken      the unknown token text
 * @param padToken      the padding token text
 * @param addBosToken   {@code add_bos_token} when the file states it (Llama-style tokenizers honour it)
 * @param addEosToken   {@code add_eos_token} when the file states it
 * @param chatTemplates the {@code chat_template} entries by name; a plain string is stored as "default"
 */
public record TokenizerConfig(
        Optional<String> bosToken,
        Optional<String> eosToken,
        Optional<String> unkToken,
        Optional<String> padToken,
        Optional<Boolean> addBosToken,
        Optional<Boolean> addEosToken,
        Map<String, String> chatTemplates) {

    public static final String FILE_NAME = "tokenizer_config.json";
    public static final String DEFAULT_TEMPLATE = "default";

    public TokenizerConfig {
        chatTemplates = Map.copyOf(chatTemplates);
    }

    public static TokenizerConfig empty() {
        return new TokenizerConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Map.of());
    }

    /** Reads {@code tokenizer_config.json} from a model directory; a missing file gives {@link #empty()}. */
    public static TokenizerConfig load(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        JsonNode root = ModelJson.readOptional(file);
        if (root.isMissingNode()) {
            return empty();
        }
        return new TokenizerConfig(
                ModelJson.tokenString(root, "bos_token", file),
                ModelJson.tokenString(root, "eos_token", file),
                ModelJson.tokenString(root, "unk_token", file),
                ModelJson.tokenString(root, "pad_token", file),
                ModelJson.optionalBoolean(root, "add_bos_token", file),
                ModelJson.optionalBoolean(root, "add_eos_token", file),
                chatTemplates(root.path("chat_template"), file));
    }

    /** The named chat template ({@link #DEFAULT_TEMPLATE} for the usual single one). */
    public Optional<String> chatTemplate(String name) {
        return Optional.ofNullable(chatTemplates.get(name));
    }

    /**
     * The special-token strings a chat template sees as variables (HF passes its special_tokens_map):
     * only the tokens that are set, so {@code {% if bos_token %}} behaves as in transformers.
     */
    public Map<String, String> templateVariables() {
        Map<String, String> vars = new LinkedHashMap<>();
        bosToken.ifPresent(t -> vars.put("bos_token", t));
        eosToken.ifPresent(t -> vars.put("eos_token", t));
        unkToken.ifPresent(t -> vars.put("unk_token", t));
        padToken.ifPresent(t -> vars.put("pad_token", t));
        return vars;
    }

    // chat_template is a string, or (multi-template tokenizers such as Command-R) a list of {name, template}.
    private static Map<String, String> chatTemplates(JsonNode node, Path file) {
        Map<String, String> templates = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return templates;
        }
        if (node.isTextual()) {
            templates.put(DEFAULT_TEMPLATE, node.textValue());
            return templates;
        }
        if (!node.isArray()) {
            throw new ModelFormatException(file + ": chat_template must be a string or a list of {name, template}");
        }
        for (JsonNode entry : node) {
            if (!entry.path("name").isTextual() || !entry.path("template").isTextual()) {
                throw new ModelFormatException(
                        file + ": each chat_template entry needs string fields name and template, got " + entry);
            }
            templates.put(entry.path("name").textValue(), entry.path("template").textValue());
        }
        return templates;
    }
}
