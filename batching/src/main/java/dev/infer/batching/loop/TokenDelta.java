package dev.infer.batching.loop;

import dev.infer.batching.FinishReason;
import dev.infer.batching.sampling.SampleResult;

/**
 * What one step added to a request's output: the new token (with logprobs when asked for), the text that is now
 * safe to show (complete UTF-8, stop strings held back), and on the last delta how and why it finished.
 *
 * @param index         which of the request's n completions this is (0-based)
 * @param sample        the token and its logprobs; null on a final delta that adds no token (abort, error)
 * @param finishReason  null while the request goes on
 * @param stopReason    the stop token id or stop string that ended it (vLLM's {@code stop_reason}), else null
 * @param error         what went wrong when {@code finishReason} is ERROR, else null
 */
public record TokenDelta(long requestId, int index, SampleResult sample, String text, int completionTokens, int promptTokens,
                         FinishReason finishReason, Object stopReason, String error, RequestTimings timings) {
    public boolean isFinal() {
        return finishReason != null;
    }
}
