package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.FinishReason;
import dev.infer.batching.loop.TokenDelta;
import io.netty.channel.ChannelHandlerContext;

/**
 * Turns one request's deltas into its HTTP answer, on the connection's event loop. Subclasses write it all at
 * the end ({@link CollectedResponse}) or as SSE chunks ({@link StreamedResponse}).
 */
abstract class ResponseSink {
    final ChannelHandlerContext ctx;
    final ResponseShape shape;
    final GenerationOptions options;
    final ResponseHeader header;
    final ChoiceState[] choices;
    private final InFlight inFlight;
    /** The engine loop's id of the request: X-Request-Id, and the {id} of /v1/requests/{id}/end_thinking. */
    long requestId = -1;
    private int open;

    ResponseSink(ChannelHandlerContext ctx, ResponseShape shape, GenerationOptions options, ResponseHeader header,
                 InFlight inFlight) {
        this.ctx = ctx;
        this.shape = shape;
        this.options = options;
        this.header = header;
        this.inFlight = inFlight;
        int n = options.params().n();
        this.choices = new ChoiceState[n];
        for (int i = 0; i < n; i++) {
            choices[i] = new ChoiceState(i);
        }
        this.open = n;
    }

    /** Called once the engine accepted the request, before any delta. */
    void started(long id) {
        requestId = id;
        inFlight.started(id);
        onStarted();
    }

    final void onDelta(TokenDelta d) {
        if (!ctx.channel().isActive()) {
            return; // the client left; channelInactive cancelled the request
        }
        choices[d.index()].add(d);
        accept(d);
        if (d.isFinal() && --open == 0) {
            complete();
            inFlight.finished(requestId); // after the answer is written: a pipelined request may start now
        }
    }

    void onStarted() {
    }

    abstract void accept(TokenDelta d);

    abstract void complete();

    ObjectNode usage(ObjectNode parent) {
        int prompt = choices[0].last != null ? choices[0].last.promptTokens() : 0;
        int completion = 0;
        int reasoning = 0;
        boolean thought = false;
        for (ChoiceState c : choices) {
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
