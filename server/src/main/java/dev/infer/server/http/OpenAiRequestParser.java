package dev.infer.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.sampling.SamplingParams;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads OpenAI request bodies: JSON, field types, and the sampling fields shared by completions and chat. Every
 * refusal is a 400 whose message and {@code param} name the field; range checks are {@link SamplingParams}'.
 */
final class OpenAiRequestParser {
    private OpenAiRequestParser() {
    }

    static ObjectNode body(ObjectMapper mapper, FullHttpRequest request) {
        JsonNode root;
        try (ByteBufInputStream in = new ByteBufInputStream(request.content().duplicate())) {
            root = mapper.readTree((java.io.InputStream) in);
        } catch (JacksonException e) {
            throw ApiException.badRequest("malformed JSON body: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable body: " + e.getMessage(), null);
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object", null);
        }
        return (ObjectNode) root;
    }

    /** 404 when the request names a model this server does not serve (a missing name means the served one). */
    static void checkModel(JsonNode root, String servedName) {
        String model = string(root, "model");
        if (model != null && !model.equals(servedName)) {
            throw ApiException.notFound("the model '" + model + "' does not exist; this server serves '" + servedName
                    + "'", "model_not_found");
        }
    }

    /**
     * The sampling fields. {@code defaultMaxTokens} applies when the body sets none; chat reads
     * {@code logprobs} as a boolean with {@code top_logprobs}, completions as the top count.
     */
    static GenerationOptions options(JsonNode root, boolean chat, int defaultMaxTokens) {
        SamplingParams.Builder b = SamplingParams.builder();
        ifPresent(number(root, "temperature"), b::temperature);
        ifPresent(number(root, "top_p"), b::topP);
        ifPresent(integer(root, "top_k"), b::topK);
        ifPresent(number(root, "min_p"), b::minP);
        ifPresent(number(root, "presence_penalty"), b::presencePenalty);
        ifPresent(number(root, "frequency_penalty"), b::frequencyPenalty);
        ifPresent(number(root, "repetition_penalty"), b::repetitionPenalty);
        ifPresent(integer(root, "min_tokens"), b::minTokens);
        ifPresent(integer(root, "n"), b::n);
        ifPresent(bool(root, "ignore_eos"), b::ignoreEos);
        Long seed = longValue(root, "seed");
        b.seed(seed);
        Integer maxTokens = chat && integer(root, "max_completion_tokens") != null
                ? integer(root, "max_completion_tokens") : integer(root, "max_tokens");
        b.maxTokens(maxTokens != null ? maxTokens : defaultMaxTokens);
        b.stop(stop(root));
        b.logitBias(logitBias(root));
        if (chat) {
            ifPresent(bool(root, "logprobs"), b::logprobs);
            ifPresent(integer(root, "top_logprobs"), b::topLogprobs);
        } else {
            Integer top = integer(root, "logprobs");
            if (top != null) {
                b.logprobs(true).topLogprobs(top);
            }
        }
        if (Boolean.TRUE.equals(bool(root, "echo"))) {
            throw ApiException.badRequest("echo is not supported", "echo");
        }
        JsonNode streamOptions = root.get("stream_options");
        boolean includeUsage = streamOptions != null && streamOptions.isObject()
                && Boolean.TRUE.equals(bool(streamOptions, "include_usage"));
        Integer priority = integer(root, "priority");
        SamplingParams params;
        try {
            params = b.build();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), fieldOf(e.getMessage()));
        }
        return new GenerationOptions(params, Boolean.TRUE.equals(bool(root, "stream")), includeUsage,
                priority == null ? 0 : priority, Boolean.TRUE.equals(bool(root, "return_token_ids")), null);
    }

    /** SamplingParams' messages start with the field's API name ("top_p must be…", "logit_bias: …"). */
    static String fieldOf(String message) {
        int end = 0;
        while (end < message.length() && (Character.isLetterOrDigit(message.charAt(end)) || message.charAt(end) == '_')) {
            end++;
        }
        return end == 0 ? null : message.substring(0, end);
    }

    private static <T> void ifPresent(T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static JsonNode present(JsonNode root, String field) {
        JsonNode v = root.get(field);
        return v == null || v.isNull() ? null : v;
    }

    static Double number(JsonNode root, String field) {
        JsonNode v = present(root, field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiException.badRequest(field + " must be a number, got " + v, field);
        }
        return v.doubleValue();
    }

    static Integer integer(JsonNode root, String field) {
        JsonNode v = present(root, field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.badRequest(field + " must be an integer, got " + v, field);
        }
        return v.intValue();
    }

    static Long longValue(JsonNode root, String field) {
        JsonNode v = present(root, field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.badRequest(field + " must be an integer, got " + v, field);
        }
        return v.longValue();
    }

    static Boolean bool(JsonNode root, String field) {
        JsonNode v = present(root, field);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest(field + " must be true or false, got " + v, field);
        }
        return v.booleanValue();
    }

    static String string(JsonNode root, String field) {
        JsonNode v = present(root, field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field + " must be a string, got " + v, field);
        }
        return v.textValue();
    }

    private static List<String> stop(JsonNode root) {
        JsonNode v = present(root, "stop");
        if (v == null) {
            return List.of();
        }
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("stop must be a string or a list of strings", "stop");
        }
        List<String> stops = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw ApiException.badRequest("stop must be a string or a list of strings, got " + s, "stop");
            }
            stops.add(s.textValue());
        }
        return stops;
    }

    private static Map<Integer, Float> logitBias(JsonNode root) {
        JsonNode v = present(root, "logit_bias");
        if (v == null) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw ApiException.badRequest("logit_bias must be an object of token id to bias", "logit_bias");
        }
        Map<Integer, Float> bias = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                if (!e.getValue().isNumber()) {
                    throw new NumberFormatException();
                }
                bias.put(Integer.parseInt(e.getKey()), e.getValue().floatValue());
            } catch (NumberFormatException nfe) {
                throw ApiException.badRequest("logit_bias: keys must be token ids and values numbers, got \""
                        + e.getKey() + "\": " + e.getValue(), "logit_bias");
            }
        }
        return bias;
    }
}
