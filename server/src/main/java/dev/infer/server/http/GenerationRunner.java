package dev.infer.server.http;

import dev.infer.batching.loop.GenerationRequest;
import dev.infer.batching.scheduler.OverloadedException;
import dev.infer.server.metrics.RequestRecorder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Submits a parsed request to the engine loop and wires its deltas to the response. Deltas arrive on the loop's
 * thread and are handed to the connection's event loop at once, so a slow client never stalls the loop.
 */
final class GenerationRunner {
    private final ServingContext context;

    GenerationRunner(ServingContext context) {
        this.context = context;
    }

    void run(ChannelHandlerContext ctx, InFlight inFlight, int[] promptIds, GenerationOptions options,
             ResponseShape shape) {
        ResponseHeader header = ResponseHeader.create(shape.idPrefix(), context.model().servedName());
        ResponseSink sink = options.stream() ? new StreamedResponse(ctx, shape, options, header, inFlight)
                : new CollectedResponse(ctx, shape, options, header, inFlight, promptIds);
        RequestRecorder metrics = context.metrics().newRequest(options.params().n());
        long id;
        try {
            GenerationRequest request = new GenerationRequest(promptIds, options.params(), options.priority(), null, 0,
                    options.thinking());
            id = context.model().loop().submit(request, d -> {
                metrics.onDelta(d);
                ctx.executor().execute(() -> sink.onDelta(d));
            });
        } catch (OverloadedException e) {
            throw new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limit_error", e.getMessage(), null,
                    null);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw ApiException.badRequest(m, m != null && m.contains("max_tokens") ? "max_tokens" : null);
        } catch (IllegalStateException e) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "service_unavailable", e.getMessage(),
                    null, null);
        }
        // We are on the event loop: the deltas' tasks queue behind this, so started() runs before any of them.
        sink.started(id);
    }

    /** max_tokens when the body sets none: what is left of the context (and of the KV cache) after the prompt. */
    int remainingContext(int promptTokens) {
        long room = Math.min(context.model().contextLength(), context.model().kvCapacityTokens()) - promptTokens;
        if (room < 1) {
            throw ApiException.badRequest("the prompt (" + promptTokens + " tokens) leaves no room in the model's "
                    + "context length of " + context.model().contextLength(), "messages");
        }
        return (int) room;
    }
}
