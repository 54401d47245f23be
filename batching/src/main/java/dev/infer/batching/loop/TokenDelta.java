package dev.infer.batching.loop;

import dev.infer.batching.FinishReason;
import dev.infer.batching.sampling.SampleResult;
import dev.infer.batching.thinking.ThinkingReport;

/**
 * What one step added to a request's output: the new token (with logprobs when asked for), the text that is now
 * safe to show (complete UTF-8, stop strings held back), split into answer and thinking text, and on the last
 * delta how and why it finished.
 *
 * @param index         which of the request's n completions this is (0-based)
 * @param sample        the token and its logprobs; null on a final delta that adds no token (abort, error)
 * @param text          answer text (content); never any thinking text
 * @param reasoningText thinking text (reasoning_content); "" for replies that do not think. Markers have no text.
 * @param finishReason  null while the request goes on
 * @param stopReason    the stop token id or stop string that ended it (vLLM's {@code stop_reason}), else null
 * @param error         what went wrong when {@code finishReason} is ERROR, else null
 * @param thinking      on the final delta of a request whose output is split into thinking and answer, what the
 *                      thinking spent; else null
 */
public record TokenDelta(long requestId, int index, SampleResult sample, String text, String reasoningText,
                         int completionTokens, int promptTokens, FinishReason finishReason, Object stopReason,
                         String error, RequestTimings timings, ThinkingReport thinking) {
    public boolean isFinal() {
        return finishReason != null;
    }
}
