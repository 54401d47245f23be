package dev.infer.batching.thinking;

/** How a reply's thinking ended. */
public enum ThinkingEnd {
    /** The reply did not think (the model skipped it, or the prompt closed the block). */
    NONE("none"),
    /** The model wrote the end marker itself. */
    NATURAL("natural"),
    /** The budget ran out and the server forced the end. */
    BUDGET("budget"),
    /** An end-thinking command forced the end. */
    COMMAND("command"),
    /** The sequence ended (aborted, out of context) while still thinking. */
    UNFINISHED("unfinished");

    private final String apiName;

    ThinkingEnd(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public boolean forced() {
        return this == BUDGET || this == COMMAND;
    }
}
