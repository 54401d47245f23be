package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.loop.TokenDelta;
import dev.infer.models.tokenizer.TextTokenizer;

import java.util.List;

/** {@code text_completion}: a choice is {@code text} (+ completions-style logprobs). */
final class CompletionShape implements ResponseShape {
    private final TextTokenizer tokenizer;
    private final boolean logprobs;

    CompletionShape(TextTokenizer tokenizer, boolean logprobs) {
        this.tokenizer = tokenizer;
        this.logprobs = logprobs;
    }

    @Override
    public String idPrefix() {
        return "cmpl-";
    }

    @Override
    public String object() {
        return "text_completion";
    }

    @Override
    public String chunkObject() {
        return "text_completion";
    }

    @Override
    public void fillChoice(ObjectNode choice, ChoiceState state) {
        choice.put("text", state.text.toString());
        if (logprobs) {
            choice.set("logprobs", LogprobsJson.completion(tokenizer, state.samples, 0));
        } else {
            choice.putNull("logprobs");
        }
    }

    @Override
    public void fillDelta(ObjectNode choice, TokenDelta delta) {
        choice.put("text", delta.text());
        if (logprobs && delta.sample() != null) {
            choice.set("logprobs", LogprobsJson.completion(tokenizer, List.of(delta.sample()), 0));
        } else {
            choice.putNull("logprobs");
        }
    }

    @Override
    public boolean fillOpening(ObjectNode choice) {
        return false;
    }
}
