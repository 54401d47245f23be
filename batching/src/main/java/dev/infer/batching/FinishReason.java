package dev.infer.batching;

/** Why a sequence ended, with the names the OpenAI / vLLM APIs use. */
public enum FinishReason {
    /** An EOS or stop token was produced, or a stop string matched. */
    STOP("stop"),
    /** max_tokens or the model's context length was reached. */
    LENGTH("length"),
    /** The client cancelled the request or went away. */
    ABORT("abort"),
    /** The request failed inside the server. */
    ERROR("error");

    private final String apiName;

    FinishReason(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}
