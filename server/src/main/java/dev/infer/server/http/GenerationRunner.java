package dev.infer.server.http;

import dev.infer.batching.loop.EngineLoop;
import dev.infer.batching.loop.GenerationRequest;
import dev.infer.batching.scheduler.OverloadedException;
import dev.infer.server.metrics.RequestRecorder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;

/**
 * Submits a parsed request to the engine loop, one engine request per prompt, and wires their deltas to the
 * response. Deltas arrive on the loop's thread and are handed to the connection's event loop at once, so a slow
 * client never stalls the loop.
 */
final class GenerationRunner {
    private final ServingContext context;

    GenerationRunner(ServingContext context) {
        this.context = context;
    }

    /**
     * Submits every prompt back to back, so the scheduler can batch them; all of them run or none does. When
     * prompt k is refused (queue full, too long) the ones before it are cancelled (freeing their KV blocks) and the
     * refusal is the answer.
     */
    void run(ChannelHandlerContext ctx, InFlight inFlight, List<int[]> prompts, GenerationOptions options,
             ResponseShape shape) {
        ResponseHeader header = ResponseHeader.create(shape.idPrefix(), context.model().servedName());
        ChoiceLayout layout = new ChoiceLayout(prompts.size(), options.params().n());
        ResponseSink sink = options.stream() ? new StreamedResponse(ctx, shape, options, header, inFlight, layout)
                : new CollectedResponse(ctx, shape, options, header, inFlight, layout, prompts);
        EngineLoop loop = context.model().loop();
        long[] ids = new long[prompts.size()];
        for (int p = 0; p < ids.length; p++) {
            try {
                ids[p] = submit(ctx, sink, p, prompts.get(p), options);
            } catch (ApiException e) {
                sink.abandon();
                for (int done = 0; done < p; done++) {
                    loop.cancel(ids[done]);
                }
                throw prompts.size() == 1 ? e : naming(e, p);
            }
        }
        // We are on the event loop: the deltas' tasks queue behind this, so started() runs before any of them.
        sink.started(ids);
    }

    private long submit(ChannelHandlerContext ctx, ResponseSink sink, int prompt, int[] promptIds,
                        GenerationOptions options) {
        RequestRecorder metrics = context.metrics().newRequest(options.params().n());
        GenerationRequest request = new GenerationRequest(promptIds, options.params(), options.priority(), null, 0,
                options.thinking());
        try {
            return context.model().loop().submit(request, d -> {
                metrics.onDelta(d);
                ctx.executor().execute(() -> sink.onDelta(prompt, d));
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
    }

    /** A batch's refusal says which prompt it was about ("prompt[2]: prompt (600 tokens) + max_tokens ..."). */
    private static ApiException naming(ApiException e, int prompt) {
        return new ApiException(e.status(), e.type(), "prompt[" + prompt + "]: " + e.getMessage(), e.param(),
                e.code());
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
