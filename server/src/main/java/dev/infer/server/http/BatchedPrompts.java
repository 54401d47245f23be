package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.models.tokenizer.TextTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code prompt} of {@code /v1/completions} into token ids, one array per prompt. As in OpenAI and vLLM
 * it is a string, an array of strings, an array of token ids, or an array of token-id arrays; an array mixing
 * strings and id arrays (or ids) is refused, as is anything empty. Every refusal is a 400 naming {@code prompt}.
 */
final class BatchedPrompts {
    /** Prompts per request: each is its own engine request, so this bounds what one body may queue at once. */
    static final int MAX_PROMPTS = 256;
    private static final String SHAPES = "a string, an array of strings, an array of token ids or an array of "
            + "token-id arrays";

    private final TextTokenizer tokenizer;
    private final int vocabSize;

    BatchedPrompts(TextTokenizer tokenizer, int vocabSize) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
    }

    List<int[]> parse(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw refuse("prompt is required");
        }
        if (prompt.isTextual()) {
            return List.of(text(prompt, "prompt"));
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw refuse("prompt must be " + SHAPES + ", and not empty");
        }
        if (prompt.get(0).isNumber()) {
            return List.of(ids(prompt, "prompt")); // one prompt as token ids
        }
        if (prompt.size() > MAX_PROMPTS) {
            throw refuse("prompt: at most " + MAX_PROMPTS + " prompts per request, got " + prompt.size());
        }
        return batch(prompt);
    }

    /** An array of strings or of id arrays: all of one kind, so a stray id or string cannot change the meaning. */
    private List<int[]> batch(JsonNode prompts) {
        boolean strings = prompts.get(0).isTextual();
        List<int[]> out = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            JsonNode p = prompts.get(i);
            String name = "prompt[" + i + "]";
            if (strings && p.isTextual()) {
                out.add(text(p, name));
            } else if (!strings && p.isArray()) {
                out.add(ids(p, name));
            } else {
                String kind = p.getNodeType().name().toLowerCase(Locale.ROOT);
                throw refuse("prompt must be " + SHAPES + ", not a mixture: " + name + " is of type " + kind
                        + " in an array of " + (strings ? "strings" : "token-id arrays"));
            }
        }
        return out;
    }

    private int[] text(JsonNode p, String name) {
        if (p.textValue().isEmpty()) {
            throw refuse(name + " must not be empty");
        }
        return tokenizer.encode(p.textValue());
    }

    private int[] ids(JsonNode p, String name) {
        if (p.isEmpty()) {
            throw refuse(name + " must not be an empty array of token ids");
        }
        int[] ids = new int[p.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = p.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0 || t.intValue() >= vocabSize) {
                throw refuse(name + ": token ids must be integers in [0, " + vocabSize + "), got " + t);
            }
            ids[i] = t.intValue();
        }
        return ids;
    }

    private static ApiException refuse(String message) {
        return ApiException.badRequest(message, "prompt");
    }
}
