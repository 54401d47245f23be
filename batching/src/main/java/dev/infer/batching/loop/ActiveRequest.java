package dev.infer.batching.loop;

import dev.infer.batching.FinishReason;
import dev.infer.batching.sampling.Finish;
import dev.infer.batching.sampling.SampleResult;
import dev.infer.batching.sampling.SamplingWorkspace;
import dev.infer.batching.sampling.SequenceSampler;
import dev.infer.batching.sampling.StopChecker;
import dev.infer.batching.sampling.StopStringMatcher;
import dev.infer.batching.sampling.TokenSteering;
import dev.infer.batching.scheduler.Sequence;
import dev.infer.batching.thinking.ThinkingState;
import dev.infer.models.tokenizer.IncrementalDetokenizer;
import dev.infer.models.tokenizer.TextTokenizer;

/**
 * The engine loop's state for one request: its sequence, sampler, stop conditions, streaming detokenizer, thinking
 * state (reasoning models) and listener. Lives on the loop thread only.
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
    /** Null when the output is not split into thinking and answer. */
    private final ThinkingState thinking;
    /** Tokens the sequence may hold (context and KV cache): a thinking reply stops there with LENGTH. */
    private final int tokenLimit;
    private final long submittedNanos;
    private long scheduledNanos;
    private long firstTokenNanos;
    private boolean finished;

    ActiveRequest(long id, long requestId, int index, GenerationRequest request, GenerationListener listener,
                  TextTokenizer tokenizer, int[] eosTokenIds, SamplingWorkspace workspace, ThinkingState thinking,
                  int tokenLimit) {
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
        this.thinking = thinking;
        this.tokenLimit = tokenLimit;
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

    /** Samples this step's token, under the thinking state's steering with the load policy's budget scale. */
    SampleResult sample(float[] logits, int offset, int vocab, double thinkingScale) {
        TokenSteering steering = TokenSteering.NONE;
        if (thinking != null) {
            thinking.prepare(thinkingScale);
            steering = thinking;
        }
        return sampler.sample(logits, offset, vocab, steering);
    }

    /** Ends the thinking at the next step (an end-thinking command); a no-op for replies that do not think. */
    void endThinking() {
        if (thinking != null) {
            thinking.requestEnd();
        }
    }

    boolean hasFirstToken() {
        return firstTokenNanos != 0;
    }

    long timeToFirstTokenNanos() {
        return firstTokenNanos - submittedNanos;
    }

    /** Streams a token; returns how the request finished, or null when it goes on. */
    Finish accept(SampleResult sample) {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
        int token = sample.tokenId();
        ThinkingState.Role role = thinking == null ? ThinkingState.Role.ANSWER : thinking.onToken(token);
        if (role == ThinkingState.Role.ANSWER) {
            return acceptAnswer(sample);
        }
        stops.onThinkingToken();
        String reasoning;
        if (role == ThinkingState.Role.MARKER) {
            reasoning = detokenizer.flush(); // what was held back belongs to the text before the marker
            detokenizer.next(token);         // keeps the decoding context; a marker's own text is never shown
        } else {
            reasoning = detokenizer.next(token);
        }
        Finish finish = outOfRoom() ? Finish.length() : null;
        if (finish != null) {
            reasoning += detokenizer.flush();
        }
        emit(sample, "", reasoning, finish == null ? null : finish.reason(), null, null);
        return finish;
    }

    private Finish acceptAnswer(SampleResult sample) {
        Finish finish = stops.onToken(sample.tokenId());
        if (finish == null && outOfRoom()) {
            finish = Finish.length();
        }
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
        emit(sample, text, "", finish == null ? null : finish.reason(), finish == null ? null : finish.stopReason(),
                null);
        return finish;
    }

    /** Only thinking replies can reach the limit: submit checks that prompt + max_tokens fit otherwise. */
    private boolean outOfRoom() {
        return thinking != null && request.promptTokenIds().length + stops.generated() >= tokenLimit;
    }

    /** Ends the request without a new token (cancelled, deadline, engine or sampling error). */
    void end(FinishReason reason, String error) {
        emit(null, "", "", reason, null, error);
    }

    private void emit(SampleResult sample, String text, String reasoning, FinishReason reason, Object stopReason,
                      String error) {
        if (finished) {
            return;
        }
        finished = reason != null;
        long now = System.nanoTime();
        RequestTimings timings = new RequestTimings(submittedNanos, scheduledNanos, firstTokenNanos,
                finished ? now : 0, sequence.numPreemptions());
        listener.onDelta(new TokenDelta(requestId, index, sample, text, reasoning, stops.generated(),
                request.promptTokenIds().length, reason, stopReason, error, timings,
                finished && thinking != null ? thinking.report() : null));
    }
}
