package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infer.batching.loop.TokenDelta;
import io.netty.channel.ChannelHandlerContext;

/**
 * An SSE answer: an opening chunk per choice where the shape has one (chat: the role), a chunk per delta with
 * text, the finish reason on each choice's last chunk, a usage chunk when asked for, then {@code [DONE]}.
 */
final class StreamedResponse extends ResponseSink {
    private final SseWriter sse;

    StreamedResponse(ChannelHandlerContext ctx, ResponseShape shape, GenerationOptions options, ResponseHeader header,
                     InFlight inFlight, ChoiceLayout layout) {
        super(ctx, shape, options, header, inFlight, layout);
        this.sse = new SseWriter(ctx);
    }

    @Override
    void onStarted() {
        sse.open(requestId());
        for (ChoiceState c : choices) {
            ObjectNode chunk = header.node(shape.chunkObject());
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", c.index);
            if (shape.fillOpening(choice)) {
                sse.event(chunk.toString());
            }
        }
        ctx.flush();
    }

    @Override
    void accept(ChoiceState c, TokenDelta d) {
        if (d.text().isEmpty() && d.reasoningText().isEmpty() && !d.isFinal() && !carriesTokenData(d)) {
            return; // held back (partial UTF-8 or a possible stop string): nothing to show yet
        }
        ObjectNode chunk = header.node(shape.chunkObject());
        // the global index (prompt * n + choice), not the engine request's own
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", c.index);
        shape.fillDelta(choice, d);
        if (d.isFinal()) {
            finish(choice, d);
        } else {
            choice.putNull("finish_reason");
        }
        if (options.returnTokenIds() && d.sample() != null) {
            choice.putArray("token_ids").add(d.sample().tokenId());
        }
        if (d.error() != null) {
            chunk.set("error", OpenAiErrors.errorBody(new ApiException(
                    io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR, "server_error", d.error(),
                    null, null)).get("error"));
        }
        sse.event(chunk.toString());
    }

    /** A token whose text is held back still owes the client its id or logprobs, when those were asked for. */
    private boolean carriesTokenData(TokenDelta d) {
        return d.sample() != null && (options.returnTokenIds() || options.params().logprobs());
    }

    @Override
    void complete() {
        if (options.includeUsage()) {
            ObjectNode chunk = header.node(shape.chunkObject());
            chunk.putArray("choices");
            usage(chunk);
            sse.event(chunk.toString());
        }
        sse.done();
    }
}
