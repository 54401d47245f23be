package dev.infer.loadtest.dataset;

/**
 * The first {@code count} conversations of a dataset made ahead of time, so that building prompts (tokenizing,
 * trimming to exact lengths) never delays an arrival or counts towards a measured latency. Later indices are
 * built on demand.
 */
public final class PrefetchedDataset implements Dataset {
    private final Dataset source;
    private final Conversation[] ready;

    public PrefetchedDataset(Dataset source, int count) {
        this.source = source;
        this.ready = new Conversation[count];
        java.util.stream.IntStream.range(0, count).parallel().forEach(i -> ready[i] = source.conversation(i));
    }

    @Override
    public Conversation conversation(int index) {
        return index >= 0 && index < ready.length ? ready[index] : source.conversation(index);
    }

    @Override
    public boolean multiTurn() {
        return source.multiTurn();
    }
}
