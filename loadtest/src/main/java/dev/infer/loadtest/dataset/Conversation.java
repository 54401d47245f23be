package dev.infer.loadtest.dataset;

import java.util.List;

/**
 * What one client sends in sequence: a single prompt, or the user turns of a chat where each turn is sent with
 * the earlier turns and the server's earlier answers as history.
 */
public record Conversation(int id, List<Turn> turns) {
    public Conversation {
        turns = List.copyOf(turns);
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one turn");
        }
    }
}
