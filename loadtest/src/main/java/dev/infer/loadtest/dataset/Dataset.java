package dev.infer.loadtest.dataset;

/**
 * A seeded source of conversations. {@code conversation(i)} depends only on the dataset's settings, its seed and
 * {@code i}, never on timing or threads, so two runs with the same seed send the same prompts in the same order.
 */
public interface Dataset {
    Conversation conversation(int index);

    /** Whether conversations have several turns (these need the chat endpoint). */
    default boolean multiTurn() {
        return false;
    }
}
