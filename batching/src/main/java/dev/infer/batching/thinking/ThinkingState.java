package dev.infer.batching.thinking;

import dev.infer.batching.sampling.TokenSteering;
import dev.infer.models.tokenizer.ReasoningMarkers;

import java.util.Arrays;

/**
 * One reply's thinking, token by token, on the engine loop's thread: before the block (the model may open it),
 * inside it, or in the answer. It steers sampling ({@link TokenSteering}) and classifies each emitted token.
 *
 * <ul>
 *   <li>Budget: before each step ({@link #prepare}) a reply that has thought {@link #budget()} tokens, or was told
 *       to stop ({@link #requestEnd}), gets the transition text and the end marker forced, one token per step.
 *       The budget is the request's, capped by the server's ceiling and by the room the context leaves after the
 *       prompt, max_tokens and the forced text, then scaled by the load policy between the minimum and itself.</li>
 *   <li>Minimum: a sampled end marker below min_thinking_tokens is replaced by the continuation ("Wait"), at most
 *       the configured number of times; continuation tokens count as thinking, so the budget still holds.</li>
 *   <li>Masks: while thinking, EOS and a nested start marker cannot be sampled (the answer must get its turn);
 *       before the block the end marker cannot; in the answer neither marker can (thinking does not reopen).</li>
 * </ul>
 */
public final class ThinkingState implements TokenSteering {
    /** What an emitted token is. */
    public enum Role {
        /** A marker: part of the reasoning in usage, but no text. */
        MARKER,
        /** Thinking text (reasoning_content). */
        REASONING,
        /** Answer text (content). */
        ANSWER
    }

    private enum Phase { BEFORE, THINKING, ANSWER }

    private final ReasoningMarkers markers;
    private final int[] transition;
    private final int[] continuation;
    private final int maxExtensions;
    private final int cap;
    private final int min;
    private final int[] bannedBefore;
    private final int[] bannedThinking;
    private final int[] bannedAnswer;
    private Phase phase;
    private boolean thought;
    private int thinkingTokens;
    private int reasoningTokens;
    private int extensions;
    private ThinkingEnd end = ThinkingEnd.NONE;
    private int[] forced = NO_IDS;
    private int forcedPos;
    private boolean forcingEnd;
    private boolean endRequested;
    private double scale = 1;

    /**
     * @param room thinking tokens the sequence has room for (context left after prompt, max_tokens and the forced
     *             end); the budget never exceeds it
     */
    public ThinkingState(ThinkingConfig config, ReasoningMarkers markers, ThinkingParams params, int[] prompt,
                         int[] eosTokenIds, int room) {
        this.markers = markers;
        this.transition = config.transitionIds();
        this.continuation = config.continuationIds();
        this.maxExtensions = config.maxExtensions();
        int requested = params.bounded() ? params.budget() : Integer.MAX_VALUE;
        int ceiling = config.ceiling() == ThinkingParams.UNBOUNDED ? Integer.MAX_VALUE : config.ceiling();
        this.cap = Math.max(0, Math.min(requested, Math.min(ceiling, room)));
        this.min = Math.min(params.minThinkingTokens(), cap);
        this.bannedBefore = new int[] {markers.endId()};
        this.bannedThinking = Arrays.copyOf(eosTokenIds, eosTokenIds.length + 1);
        bannedThinking[eosTokenIds.length] = markers.startId();
        this.bannedAnswer = new int[] {markers.startId(), markers.endId()};
        this.phase = switch (markers.stateAfter(prompt)) {
            case INSIDE -> Phase.THINKING;
            case CLOSED -> Phase.ANSWER;
            case NONE -> Phase.BEFORE;
        };
        this.thought = phase == Phase.THINKING;
    }

    /** The budget now: between the minimum (load scale 0) and the capped budget (scale 1). */
    public int budget() {
        return min + (int) Math.floor((cap - min) * scale);
    }

    /** Before a step: takes the load scale and starts a forced end when the budget is spent or an end was asked. */
    public void prepare(double loadScale) {
        this.scale = Math.max(0, Math.min(1, loadScale));
        if (phase == Phase.THINKING && !forcingEnd && (endRequested || thinkingTokens >= budget())) {
            end = endRequested ? ThinkingEnd.COMMAND : ThinkingEnd.BUDGET;
            forcingEnd = true;
            forced = Arrays.copyOf(transition, transition.length + 1); // drops an unfinished continuation too
            forced[transition.length] = markers.endId();
            forcedPos = 0;
        }
    }

    /** Ends the thinking at the next step (or as soon as it starts); nothing once the answer has begun. */
    public void requestEnd() {
        endRequested = true;
    }

    @Override
    public int forcedToken() {
        return forcedPos < forced.length ? forced[forcedPos] : -1;
    }

    @Override
    public int[] bannedTokens() {
        return switch (phase) {
            case BEFORE -> bannedBefore;
            case THINKING -> bannedThinking;
            case ANSWER -> bannedAnswer;
        };
    }

    @Override
    public int replace(int sampled) {
        if (phase != Phase.THINKING || sampled != markers.endId() || thinkingTokens >= min
                || extensions >= maxExtensions) {
            return sampled;
        }
        extensions++;
        forced = continuation;
        forcedPos = 0;
        return continuation[0];
    }

    /** Accounts for an emitted token (sampled, forced or replaced) and says what it is. */
    public Role onToken(int token) {
        if (forcedPos < forced.length && forced[forcedPos] == token) {
            forcedPos++;
        }
        return switch (phase) {
            case BEFORE -> before(token);
            case THINKING -> thinking(token);
            case ANSWER -> Role.ANSWER;
        };
    }

    private Role before(int token) {
        if (token == markers.startId()) {
            phase = Phase.THINKING;
            thought = true;
            reasoningTokens++;
            return Role.MARKER;
        }
        phase = Phase.ANSWER;
        return Role.ANSWER;
    }

    private Role thinking(int token) {
        reasoningTokens++;
        if (token == markers.endId()) {
            phase = Phase.ANSWER;
            end = end == ThinkingEnd.NONE ? ThinkingEnd.NATURAL : end;
            forced = NO_IDS;
            return Role.MARKER;
        }
        if (!forcingEnd) {
            thinkingTokens++;
        }
        return Role.REASONING;
    }

    public boolean isThinking() {
        return phase == Phase.THINKING;
    }

    public ThinkingReport report() {
        ThinkingEnd e = !thought ? ThinkingEnd.NONE : phase == Phase.THINKING ? ThinkingEnd.UNFINISHED : end;
        return new ThinkingReport(reasoningTokens, thinkingTokens, e, extensions);
    }
}
