package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.loop.TokenDelta;
import dev.infer.batching.thinking.ThinkingReport;
import dev.infer.models.tokenizer.TextTokenizer;

import java.util.List;

/**
 * {@code chat.completion}: a choice is an assistant {@code message}; streamed, a {@code delta}. A reasoning
 * model's thinking goes to {@code reasoning_content} (vLLM's name), never to {@code content}; the choice says how
 * the thinking ended in {@code thinking_end} ("natural", "budget", "command", "unfinished" or "none").
 */
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
        ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", state.text.toString());
        ThinkingReport thinking = state.last == null ? null : state.last.thinking();
        if (thinking != null) {
            if (state.reasoning.isEmpty()) {
                message.putNull("reasoning_content");
            } else {
                message.put("reasoning_content", state.reasoning.toString());
            }
            choice.put("thinking_end", thinking.end().apiName());
        }
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
        if (!delta.reasoningText().isEmpty()) {
            d.put("reasoning_content", delta.reasoningText());
        }
        if (delta.thinking() != null) {
            choice.put("thinking_end", delta.thinking().end().apiName());
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
