package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.sampling.SampleResult;
import dev.infer.models.tokenizer.TextTokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Logprobs in the two OpenAI shapes: completions' parallel arrays, chat's list of token objects. */
final class LogprobsJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private LogprobsJson() {
    }

    static String token(TextTokenizer tokenizer, int id) {
        return tokenizer.decode(new int[] {id}, false);
    }

    /** {@code {tokens, token_logprobs, top_logprobs, text_offset}}. */
    static ObjectNode completion(TextTokenizer tokenizer, List<SampleResult> samples, int textOffset) {
        ObjectNode lp = F.objectNode();
        ArrayNode tokens = lp.putArray("tokens");
        ArrayNode logprobs = lp.putArray("token_logprobs");
        ArrayNode tops = lp.putArray("top_logprobs");
        ArrayNode offsets = lp.putArray("text_offset");
        int offset = textOffset;
        for (SampleResult s : samples) {
            String t = token(tokenizer, s.tokenId());
            tokens.add(t);
            logprobs.add(s.logprob());
            ObjectNode top = tops.addObject();
            for (int i = 0; i < s.topTokenIds().length; i++) {
                top.put(token(tokenizer, s.topTokenIds()[i]), s.topLogprobs()[i]);
            }
            offsets.add(offset);
            offset += t.length();
        }
        return lp;
    }

    /** {@code {content: [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}]}}. */
    static ObjectNode chat(TextTokenizer tokenizer, List<SampleResult> samples) {
        ObjectNode lp = F.objectNode();
        ArrayNode content = lp.putArray("content");
        for (SampleResult s : samples) {
            ObjectNode entry = tokenEntry(content.addObject(), token(tokenizer, s.tokenId()), s.logprob());
            ArrayNode top = entry.putArray("top_logprobs");
            for (int i = 0; i < s.topTokenIds().length; i++) {
                tokenEntry(top.addObject(), token(tokenizer, s.topTokenIds()[i]), s.topLogprobs()[i]);
            }
        }
        return lp;
    }

    private static ObjectNode tokenEntry(ObjectNode node, String token, float logprob) {
        node.put("token", token).put("logprob", logprob);
        ArrayNode bytes = node.putArray("bytes");
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return node;
    }
}
