package dev.infer.server.http;

/**
 * Where each completion sits in a response's {@code choices}: prompt {@code p}'s choice {@code c} (of {@code n})
 * is choice {@code p * n + c}, as in vLLM, so a client can tell which prompt a choice answers.
 */
record ChoiceLayout(int prompts, int n) {
    ChoiceLayout {
        if (prompts < 1 || n < 1) {
            throw new IllegalArgumentException("prompts and n must be positive, got " + prompts + " and " + n);
        }
    }

    int size() {
        return prompts * n;
    }

    int global(int prompt, int choice) {
        return prompt * n + choice;
    }

    int promptOf(int global) {
        return global / n;
    }

    /** One choice per prompt carries that prompt's token count into usage. */
    boolean firstOfPrompt(int global) {
        return global % n == 0;
    }
}
