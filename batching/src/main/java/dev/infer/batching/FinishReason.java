package dev.infer.batching;

/** Why a sequence ended, with the names the OpenAI API uses. */
public enum FinishReason {
    /** A stop token (e.g. EOS) was produced. */
    STOP("stop"),
    /** max_tokens or the model's context length was reached. */
    LENGTH("length");

    private final String apiName;

    FinishReason(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
