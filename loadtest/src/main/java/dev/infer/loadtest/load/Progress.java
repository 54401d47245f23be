package dev.infer.loadtest.load;

import dev.infer.loadtest.metrics.RequestRecord;

/** Hears about a level's progress (the console bar; nothing in tests). */
public interface Progress {
    Progress NONE = new Progress() {
    };

    default void levelStarted(LoadLevel level, RunSettings settings) {
    }

    default void requestDone(RequestRecord record) {
    }

    default void levelDone(LoadLevel level) {
    }
}
