package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.loop.TokenDelta;
import dev.infer.models.tokenizer.TextTokenizer;

import java.util.List;

/** {@code chat.completion}: a choice is an assistant {@code message}; streamed, a {@code delta}. */
final class ChatShape implements ResponseShape {
    private final TextTokenizer tokenizer;
    private final boolean logprobs;

    ChatShape(TextTokenizer tokenizer, boolean logprobs) {
        this.tokenizer = tokenizer;
        this.logprobs = logprobs;
    }

    @Override
    public String idPrefix() {
        return "chatcmpl-";
    }

    @Override
    public String object() {
        return "chat.completion";
    }

    @Override
    public String chunkObject() {
        return "chat.completion.chunk";
    }

    @Override
    public void fillChoice(ObjectNode choice, ChoiceState state) {
        choice.putObject("message").put("role", "assistant").put("content", state.text.toString());
        if (logprobs) {
            choice.set("logprobs", LogprobsJson.chat(tokenizer, state.samples));
        } else {
            choice.putNull("logprobs");
        }
    }

    @Override
    public void fillDelta(ObjectNode choice, TokenDelta delta) {
        ObjectNode d = choice.putObject("delta");
        if (!delta.text().isEmpty()) {
            d.put("content", delta.text());
        }
        if (logprobs && delta.sample() != null) {
            choice.set("logprobs", LogprobsJson.chat(tokenizer, List.of(delta.sample())));
        } else {
            choice.putNull("logprobs");
        }
    }

    @Override
    public boolean fillOpening(ObjectNode choice) {
        choice.putObject("delta").put("role", "assistant").put("content", "");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return true;
    }
}
