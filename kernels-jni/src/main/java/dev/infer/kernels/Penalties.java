package dev.infer.kernels;

/**
 * The penalties as vLLM defines them, applied to the logits before anything else: the repetition penalty over
 * {@code repetitionIds} (prompt and generated ids, each once: positive logits divided, negative multiplied), then
 * {@code frequency × count + presence} subtracted for each generated id.
 */
public record Penalties(float repetition, float presence, float frequency, int[] repetitionIds, int[] outputIds,
                        int[] outputCounts) {
    public static final Penalties NONE = new Penalties(1, 0, 0, new int[0], new int[0], new int[0]);

    public Penalties {
        if (!(repetition > 0) || Float.isInfinite(repetition)) {
            throw new IllegalArgumentException("repetition_penalty must be a finite number > 0, got " + repetition);
        }
        if (outputIds.length != outputCounts.length) {
            throw new IllegalArgumentException(outputIds.length + " generated ids but " + outputCounts.length
                    + " counts");
        }
    }

    /** Every id must be a token of the vocabulary. */
    void check(int vocab) {
        checkIds(repetitionIds, vocab);
        checkIds(outputIds, vocab);
    }

    private static void checkIds(int[] ids, int vocab) {
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("penalty token id " + id + " outside the vocabulary of " + vocab);
            }
        }
    }
}
