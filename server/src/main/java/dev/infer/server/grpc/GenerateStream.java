package dev.infer.server.grpc;

import dev.infer.batching.FinishReason;
import dev.infer.batching.loop.EngineLoop;
import dev.infer.batching.loop.RequestTimings;
import dev.infer.batching.loop.TokenDelta;
import dev.infer.batching.sampling.SampleResult;
import dev.infer.server.grpc.v1.GenerateResponse;
import dev.infer.server.grpc.v1.ThinkingEnd;
import dev.infer.server.grpc.v1.Timings;
import dev.infer.server.grpc.v1.TokenLogprob;
import dev.infer.server.grpc.v1.TopLogprob;
import dev.infer.server.grpc.v1.Usage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Generate call's stream. The engine loop's thread only enqueues a delta and schedules a drain (it never blocks
 * and never touches the call); a drain, serialized by {@code wip}, writes while the call {@code isReady()} and stops
 * otherwise, the on-ready handler resuming it. What waits is bounded by the request's own tokens (n x max_tokens).
 * A cancelled call (client gone, deadline passed) cancels the request, which frees its KV blocks.
 */
final class GenerateStream {
    private final ServerCallStreamObserver<GenerateResponse> call;
    private final EngineLoop loop;
    private final Executor writer;
    private final Queue<TokenDelta> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final int choices;
    private int finished;
    private boolean aborted;
    private boolean closed;
    private volatile long requestId = -1;
    private volatile boolean cancelled;

    GenerateStream(ServerCallStreamObserver<GenerateResponse> call, EngineLoop loop, int choices, Executor writer) {
        this.call = call;
        this.loop = loop;
        this.choices = choices;
        this.writer = writer;
        call.setOnCancelHandler(() -> {
            cancelled = true;
            long id = requestId;
            if (id >= 0) {
                loop.cancel(id);
            }
        });
        call.setOnReadyHandler(this::scheduleDrain);
    }

    /** Called once submit returned the id (deltas may already be queued). */
    void started(long id) {
        requestId = id;
        if (cancelled) {
            loop.cancel(id);
        }
        scheduleDrain();
    }

    /** On the engine loop's thread. */
    void onDelta(TokenDelta delta) {
        pending.add(delta);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (wip.getAndIncrement() == 0) {
            writer.execute(this::drain);
        }
    }

    private void drain() {
        int missed = 1;
        do {
            if (requestId >= 0) {
                writeWhileReady();
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void writeWhileReady() {
        if (closed) {
            pending.clear();
            return;
        }
        if (cancelled) {
            closed = true;
            pending.clear();
            return;
        }
        TokenDelta d;
        while (call.isReady() && (d = pending.poll()) != null) {
            if (d.finishReason() == FinishReason.ABORT) {
                aborted = true;
            }
            try {
                call.onNext(toMessage(d));
            } catch (RuntimeException e) {
                closed = true;
                pending.clear();
                return;
            }
            if (d.isFinal() && ++finished == choices) {
                closed = true;
                if (aborted) {
                    call.onError(Status.UNAVAILABLE.withDescription("the request was aborted: the server is shutting "
                            + "down").asRuntimeException());
                } else {
                    call.onCompleted();
                }
                return;
            }
        }
    }

    private GenerateResponse toMessage(TokenDelta d) {
        GenerateResponse.Builder b = GenerateResponse.newBuilder().setRequestId(InferenceGrpcService.REQUEST_ID_PREFIX + d.requestId())
                .setIndex(d.index());
        if (d.text() != null) {
            b.setText(d.text());
        }
        b.setReasoningText(d.reasoningText());
        SampleResult s = d.sample();
        if (s != null) {
            b.addTokenIds(s.tokenId());
            if (!Float.isNaN(s.logprob())) {
                TokenLogprob.Builder lp = TokenLogprob.newBuilder().setTokenId(s.tokenId()).setLogprob(s.logprob());
                for (int i = 0; i < s.topTokenIds().length; i++) {
                    lp.addTop(TopLogprob.newBuilder().setTokenId(s.topTokenIds()[i]).setLogprob(s.topLogprobs()[i]));
                }
                b.addLogprobs(lp);
            }
        }
        if (d.isFinal()) {
            b.setFinishReason(switch (d.finishReason()) {
                case STOP -> dev.infer.server.grpc.v1.FinishReason.FINISH_REASON_STOP;
                case LENGTH -> dev.infer.server.grpc.v1.FinishReason.FINISH_REASON_LENGTH;
                case ABORT -> dev.infer.server.grpc.v1.FinishReason.FINISH_REASON_ABORT;
                case ERROR -> dev.infer.server.grpc.v1.FinishReason.FINISH_REASON_ERROR;
            });
            switch (d.stopReason()) {
                case null -> { }
                case Integer id -> b.setStopTokenId(id);
                case Number id -> b.setStopTokenId(id.intValue());
                default -> b.setStopString(d.stopReason().toString());
            }
            Usage.Builder usage = Usage.newBuilder().setPromptTokens(d.promptTokens())
                    .setCompletionTokens(d.completionTokens()).setTotalTokens(d.promptTokens() + d.completionTokens());
            if (d.thinking() != null) {
                usage.setReasoningTokens(d.thinking().reasoningTokens());
                b.setThinkingEnd(ThinkingEnd.valueOf("THINKING_END_" + d.thinking().end().name()));
            }
            b.setUsage(usage);
            RequestTimings t = d.timings();
            if (t != null) {
                b.setTimings(Timings.newBuilder().setQueueMs(t.queueNanos() / 1e6)
                        .setTimeToFirstTokenMs(t.timeToFirstTokenNanos() / 1e6)
                        .setE2EMs(t.finishedNanos() == 0 ? 0 : (t.finishedNanos() - t.submittedNanos()) / 1e6)
                        .setPreemptions(t.preemptions()));
            }
            if (d.error() != null) {
                b.setError(d.error());
            }
        }
        return b.build();
    }
}
