package dev.infer.batching.sampling;

import dev.infer.batching.FinishReason;

/**
 * Why a sequence ended, with what vLLM calls {@code stop_reason}: the stop token id or stop string that matched,
 * or nothing (EOS, max_tokens, abort, error).
 */
public record Finish(FinishReason reason, Integer stopTokenId, String stopString) {
    public static Finish length() {
        return new Finish(FinishReason.LENGTH, null, null);
    }

    public static Finish eos() {
        return new Finish(FinishReason.STOP, null, null);
    }

    public static Finish stopToken(int tokenId) {
        return new Finish(FinishReason.STOP, tokenId, null);
    }

    public static Finish stopString(String stop) {
        return new Finish(FinishReason.STOP, null, stop);
    }

    /** vLLM's {@code stop_reason}: the matched stop string or stop token id, else null. */
    public Object stopReason() {
        return stopString != null ? stopString : stopTokenId;
    }
}
