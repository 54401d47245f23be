package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.FinishReason;
import dev.infer.batching.loop.TokenDelta;
import io.netty.channel.ChannelHandlerContext;

/**
 * Turns one HTTP request's deltas into its answer, on the connection's event loop. A batched completion runs each
 * prompt as its own engine request; their deltas all arrive here, tagged with the prompt, and the answer is done
 * when every choice of every prompt has finished. Subclasses write it all at the end ({@link CollectedResponse})
 * or as SSE chunks ({@link StreamedResponse}).
 */
abstract class ResponseSink {
    final ChannelHandlerContext ctx;
    final ResponseShape shape;
    final GenerationOptions options;
    final ResponseHeader header;
    final ChoiceLayout layout;
    final ChoiceState[] choices;
    private final InFlight inFlight;
    /** The engine loop's ids of the requests, one per prompt, or null before they all were accepted. */
    private long[] requestIds;
    private int open;
    /** Set when the request was refused after some prompts were submitted: their aborts must not answer too. */
    private boolean abandoned;

    ResponseSink(ChannelHandlerContext ctx, ResponseShape shape, GenerationOptions options, ResponseHeader header,
                 InFlight inFlight, ChoiceLayout layout) {
        this.ctx = ctx;
        this.shape = shape;
        this.options = options;
        this.header = header;
        this.inFlight = inFlight;
        this.layout = layout;
        this.choices = new ChoiceState[layout.size()];
        for (int i = 0; i < choices.length; i++) {
            choices[i] = new ChoiceState(i);
        }
        this.open = choices.length;
    }

    /** Called once the engine accepted every prompt, before any delta. */
    void started(long[] ids) {
        requestIds = ids;
        inFlight.started(ids);
        onStarted();
    }

    /** Called instead of {@link #started} when a prompt was refused: the error is the answer. */
    void abandon() {
        abandoned = true;
    }

    /**
     * X-Request-Id, and the {id} of /v1/requests/{id}/end_thinking: the first prompt's engine id (the only one,
     * except for batched completions, which cannot think).
     */
    String requestId() {
        return Long.toString(requestIds[0]);
    }

    final void onDelta(int prompt, TokenDelta d) {
        if (abandoned || !ctx.channel().isActive()) {
            return; // refused, or the client left and channelInactive cancelled the requests
        }
        ChoiceState c = choices[layout.global(prompt, d.index())];
        c.add(d);
        accept(c, d);
        if (d.isFinal() && --open == 0) {
            complete();
            inFlight.finished(requestIds); // after the answer is written: a pipelined request may start now
        }
    }

    void onStarted() {
    }

    /** One delta of choice {@code c}, already added to it. */
    abstract void accept(ChoiceState c, TokenDelta d);

    abstract void complete();

    ObjectNode usage(ObjectNode parent) {
        int prompt = 0;
        int completion = 0;
        int reasoning = 0;
        boolean thought = false;
        for (ChoiceState c : choices) {
            if (layout.firstOfPrompt(c.index) && c.last != null) {
                prompt += c.last.promptTokens(); // summed over the prompts of a batch, each counted once
            }
            completion += c.samples.size();
            if (c.last != null && c.last.thinking() != null) {
                thought = true;
                reasoning += c.last.thinking().reasoningTokens();
            }
        }
        ObjectNode usage = parent.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        if (thought) {
            usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
        }
        return usage;
    }

    static void finish(ObjectNode choice, TokenDelta last) {
        if (last == null) {
            choice.putNull("finish_reason");
            return;
        }
        choice.put("finish_reason", last.finishReason().apiName());
        if (last.stopReason() != null) {
            choice.putPOJO("stop_reason", last.stopReason());
        } else {
            choice.putNull("stop_reason");
        }
    }

    static String errorOf(ChoiceState[] choices) {
        for (ChoiceState c : choices) {
            if (c.last != null && c.last.finishReason() == FinishReason.ERROR) {
                return c.last.error();
            }
        }
        return null;
    }
}
