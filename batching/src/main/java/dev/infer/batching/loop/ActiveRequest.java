package dev.infer.batching.loop;

import dev.infer.batching.FinishReason;
import dev.infer.batching.sampling.Finish;
import dev.infer.batching.sampling.SampleResult;
import dev.infer.batching.sampling.SamplingWorkspace;
import dev.infer.batching.sampling.SequenceSampler;
import dev.infer.batching.sampling.StopChecker;
import dev.infer.batching.sampling.StopStringMatcher;
import dev.infer.batching.scheduler.Sequence;
import dev.infer.models.tokenizer.IncrementalDetokenizer;
import dev.infer.models.tokenizer.TextTokenizer;

/**
 * The engine loop's state for one request: its sequence, sampler, stop conditions, streaming detokenizer and
 * listener. Lives on the loop thread only.
 */
final class ActiveRequest {
    /** The sequence's own id (unique per completion). */
    final long id;
    /** The id the caller got from submit, shared by the request's n completions. */
    final long requestId;
    final int index;
    final GenerationRequest request;
    final Sequence sequence;
    private final GenerationListener listener;
    private final SequenceSampler sampler;
    private final StopChecker stops;
    private final StopStringMatcher stopStrings;
    private final IncrementalDetokenizer detokenizer;
    private final long submittedNanos;
    private long scheduledNanos;
    private long firstTokenNanos;
    private boolean finished;

    ActiveRequest(long id, long requestId, int index, GenerationRequest request, GenerationListener listener,
                  TextTokenizer tokenizer, int[] eosTokenIds, SamplingWorkspace workspace) {
        this.id = id;
        this.requestId = requestId;
        this.index = index;
        this.request = request;
        this.listener = listener;
        this.sequence = new Sequence(id, request.promptTokenIds(), request.priority(), id, request.cacheKey());
        this.sampler = new SequenceSampler(request.params(), request.promptTokenIds(), eosTokenIds, workspace);
        this.stops = new StopChecker(request.params(), eosTokenIds);
        this.stopStrings = new StopStringMatcher(request.params().stop());
        this.detokenizer = new IncrementalDetokenizer(tokenizer, true, request.promptTokenIds());
        this.submittedNanos = System.nanoTime();
    }

    /** Records the first time the scheduler gave this request a step; true that first time. */
    boolean markScheduled(long now) {
        if (scheduledNanos != 0) {
            return false;
        }
        scheduledNanos = now;
        return true;
    }

    boolean wasScheduled() {
        return scheduledNanos != 0;
    }

    boolean isFinished() {
        return finished;
    }

    boolean pastDeadline(long now) {
        return request.deadlineNanos() != 0 && now - request.deadlineNanos() > 0;
    }

    SampleResult sample(float[] logits, int offset, int vocab) {
        return sampler.sample(logits, offset, vocab);
    }

    /** Streams a sampled token; returns how the request finished, or null when it goes on. */
    Finish accept(SampleResult sample) {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
        Finish finish = stops.onToken(sample.tokenId());
        boolean active = stops.stopStringsActive();
        String text = stopStrings.append(detokenizer.next(sample.tokenId()), active);
        if (finish != null && stopStrings.matched() == null) {
            text += stopStrings.append(detokenizer.flush(), active); // bytes the detokenizer still held
        }
        if (stopStrings.matched() != null) {
            finish = Finish.stopString(stopStrings.matched());
        } else if (finish != null) {
            text += stopStrings.flush(); // a held-back tail that never became a stop string
        }
        emit(sample, text, finish == null ? null : finish.reason(), finish == null ? null : finish.stopReason(), null);
        return finish;
    }

    /** Ends the request without a new token (cancelled, deadline, engine or sampling error). */
    void end(FinishReason reason, String error) {
        emit(null, "", reason, null, error);
    }

    private void emit(SampleResult sample, String text, FinishReason reason, Object stopReason, String error) {
        if (finished) {
            return;
        }
        finished = reason != null;
        long now = System.nanoTime();
        RequestTimings timings = new RequestTimings(submittedNanos, scheduledNanos, firstTokenNanos,
                finished ? now : 0, sequence.numPreemptions());
        listener.onDelta(new TokenDelta(requestId, index, sample, text, stops.generated(), request.promptTokenIds().length, reason,
                stopReason, error, timings));
    }
}
