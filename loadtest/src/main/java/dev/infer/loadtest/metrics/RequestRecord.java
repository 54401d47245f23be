package dev.infer.loadtest.metrics;

import java.util.Objects;

/**
 * One request's raw timeline, the unit the JSON result file stores and every metric is computed from.
 *
 * <p>Times are milliseconds: {@code startMs} from the start of the run (the level), the others from the start of
 * the request. {@code chunkMs} holds the arrival time of every streamed chunk that carried output (answer text,
 * reasoning text or token ids); {@code reasoningChunks} of them were reasoning ({@code reasoning_content}).
 * {@code status} is the HTTP status code or the gRPC status name; {@code queueMs} is the server's own queue time
 * where it reports one, else null.
 */
public record RequestRecord(int index, int session, int turn, double startMs, double[] chunkMs, double endMs,
                            int promptTokens, int outputTokens, int reasoningChunks, Outcome outcome, String status,
                            String error, Double queueMs) {
    public RequestRecord {
        Objects.requireNonNull(chunkMs, "chunkMs");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(status, "status");
        for (int i = 1; i < chunkMs.length; i++) {
            if (chunkMs[i] < chunkMs[i - 1]) {
                throw new IllegalArgumentException("chunk times must not decrease: " + chunkMs[i - 1] + " then "
                        + chunkMs[i]);
            }
        }
    }

    /** Time to first token: the first output chunk's arrival, or NaN when none came. */
    public double ttftMs() {
        return chunkMs.length == 0 ? Double.NaN : chunkMs[0];
    }

    /** Time per output token after the first: (E2E − TTFT) / (output tokens − 1); NaN below two tokens. */
    public double tpotMs() {
        return outputTokens < 2 || chunkMs.length == 0 ? Double.NaN : (endMs - chunkMs[0]) / (outputTokens - 1);
    }

    /** Every gap between consecutive output chunks. */
    public double[] itlMs() {
        double[] gaps = new double[Math.max(0, chunkMs.length - 1)];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = chunkMs[i + 1] - chunkMs[i];
        }
        return gaps;
    }

    /** The request's end in run time (ms since the run started). */
    public double endRunMs() {
        return startMs + endMs;
    }

    /** Chunks that carried answer text rather than reasoning. */
    public int answerChunks() {
        return chunkMs.length - reasoningChunks;
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestRecord r && index == r.index && session == r.session && turn == r.turn
                && Double.compare(startMs, r.startMs) == 0 && java.util.Arrays.equals(chunkMs, r.chunkMs)
                && Double.compare(endMs, r.endMs) == 0 && promptTokens == r.promptTokens
                && outputTokens == r.outputTokens && reasoningChunks == r.reasoningChunks && outcome == r.outcome
                && status.equals(r.status) && Objects.equals(error, r.error) && Objects.equals(queueMs, r.queueMs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, startMs, endMs, outcome, status) * 31 + java.util.Arrays.hashCode(chunkMs);
    }

    @Override
    public String toString() {
        return "RequestRecord[" + index + " " + outcome + " " + status + " start=" + startMs + " end=" + endMs
                + " chunks=" + chunkMs.length + " out=" + outputTokens + "]";
    }
}
