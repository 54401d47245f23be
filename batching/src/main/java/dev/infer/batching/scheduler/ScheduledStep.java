package dev.infer.batching.scheduler;

import java.util.List;

/**
 * The plan of one step, immutable: which sequences compute how many tokens, and who was preempted to make room.
 * A sequence samples a token this step when its chunk reaches the end of its known tokens.
 */
public record ScheduledStep(List<Entry> entries, List<Sequence> preempted, int numTokens) {
    public ScheduledStep {
        entries = List.copyOf(entries);
        preempted = List.copyOf(preempted);
    }

    /** {@code numNewTokens} tokens of {@code sequence} from position {@code start}. */
    public record Entry(Sequence sequence, int start, int numNewTokens, boolean samples) {
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
