package dev.infer.loadtest.client;

import dev.infer.loadtest.metrics.Outcome;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records one streamed answer as it arrives: the time of every output chunk, reasoning versus answer chunks,
 * token counts, and how it ended. Transports call it from their I/O thread; the sending thread waits in
 * {@link #await}. The first ending wins: a late completion after a cancellation or timeout changes nothing.
 */
public final class StreamRecorder {
    private final long startNanos = System.nanoTime();
    private final int cancelAfterChunks;
    private final CompletableFuture<ClientResult> done = new CompletableFuture<>();
    private final StringBuilder answer = new StringBuilder();
    private double[] chunkMs = new double[16];
    private int chunks;
    private int reasoningChunks;
    private int streamedTokenIds;
    private int promptTokens = -1;
    private int outputTokens = -1;
    private Double queueMs;

    public StreamRecorder(int cancelAfterChunks) {
        this.cancelAfterChunks = cancelAfterChunks;
    }

    /**
     * An output chunk: answer text, reasoning text and/or token ids. Chunks with none of these (a role opener,
     * a usage-only chunk) are not output and are ignored. Returns true when the caller should cancel now.
     */
    public synchronized boolean chunk(String text, String reasoning, int tokenIds) {
        boolean hasText = text != null && !text.isEmpty();
        boolean hasReasoning = reasoning != null && !reasoning.isEmpty();
        if (!hasText && !hasReasoning && tokenIds == 0) {
            return false;
        }
        if (chunks == chunkMs.length) {
            chunkMs = java.util.Arrays.copyOf(chunkMs, chunks * 2);
        }
        chunkMs[chunks++] = elapsedMs();
        if (hasReasoning && !hasText) {
            reasoningChunks++;
        }
        if (hasText) {
            answer.append(text);
        }
        streamedTokenIds += tokenIds;
        return cancelAfterChunks > 0 && chunks >= cancelAfterChunks;
    }

    /** Token counts the server reported (usage); they take precedence over counting the stream. */
    public synchronized void usage(int prompt, int completion) {
        promptTokens = prompt;
        outputTokens = completion;
    }

    public synchronized void queueMs(double ms) {
        queueMs = ms;
    }

    public void finish(Outcome outcome, String status, String error) {
        ClientResult r;
        synchronized (this) {
            if (done.isDone()) {
                return;
            }
            r = result(outcome, status, error);
        }
        done.complete(r);
    }

    /** Waits for the end; past the timeout, or when interrupted, the request ends as {@link Outcome#TIMEOUT}. */
    public ClientResult await(java.time.Duration timeout) {
        try {
            return done.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            finish(Outcome.TIMEOUT, "timeout", "no end within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(Outcome.TIMEOUT, "timeout", "the run ended first");
        } catch (ExecutionException e) {
            finish(Outcome.ERROR, "client", String.valueOf(e.getCause()));
        }
        return done.join();
    }

    public boolean isDone() {
        return done.isDone();
    }

    private ClientResult result(Outcome outcome, String status, String error) {
        double[] times = java.util.Arrays.copyOf(chunkMs, chunks);
        // Without usage, the stream's token ids count tokens; without those, each chunk is taken as one token.
        int out = outputTokens >= 0 ? outputTokens : streamedTokenIds > 0 ? streamedTokenIds : chunks;
        return new ClientResult(times, elapsedMs(), promptTokens, out, reasoningChunks, outcome, status, error,
                queueMs, answer.toString());
    }

    private double elapsedMs() {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
