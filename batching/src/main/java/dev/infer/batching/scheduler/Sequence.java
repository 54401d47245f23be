package dev.infer.batching.scheduler;

import java.util.Arrays;

/**
 * What the scheduler knows of one sequence: its tokens (prompt, then output), how many of them have K/V in the
 * cache, its priority and arrival order. Owned by the scheduler thread.
 */
public final class Sequence {
    private final long id;
    private final int priority;
    private final long arrival;
    private final int numPromptTokens;
    private final String cacheKey;
    private int[] tokens;
    private int numTokens;
    private int numComputed;
    private int numPreemptions;
    private SequenceStatus status = SequenceStatus.WAITING;

    /**
     * @param cacheKey what besides tokens changes K/V (model or adapter id); null for none
     */
    public Sequence(long id, int[] prompt, int priority, long arrival, String cacheKey) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt: at least one token is needed");
        }
        this.id = id;
        this.priority = priority;
        this.arrival = arrival;
        this.cacheKey = cacheKey;
        this.numPromptTokens = prompt.length;
        this.tokens = Arrays.copyOf(prompt, prompt.length + 16);
        this.numTokens = prompt.length;
    }

    public long id() {
        return id;
    }

    public int priority() {
        return priority;
    }

    public long arrival() {
        return arrival;
    }

    String cacheKey() {
        return cacheKey;
    }

    public SequenceStatus status() {
        return status;
    }

    void setStatus(SequenceStatus status) {
        this.status = status;
    }

    public int numTokens() {
        return numTokens;
    }

    public int numPromptTokens() {
        return numPromptTokens;
    }

    public int numOutputTokens() {
        return numTokens - numPromptTokens;
    }

    public int numComputed() {
        return numComputed;
    }

    void setNumComputed(int n) {
        assert n >= 0 && n <= numTokens : "computed " + n + " of " + numTokens;
        numComputed = n;
    }

    public int numPreemptions() {
        return numPreemptions;
    }

    void countPreemption() {
        numPreemptions++;
    }

    public int token(int index) {
        return tokens[index];
    }

    /** A copy of all tokens (prompt, then output). */
    public int[] tokens() {
        return Arrays.copyOf(tokens, numTokens);
    }

    /** The live token buffer (valid up to {@link #numTokens()}); for the scheduler's hot path only. */
    int[] tokenBuffer() {
        return tokens;
    }

    void append(int token) {
        if (numTokens == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[numTokens++] = token;
    }
}
