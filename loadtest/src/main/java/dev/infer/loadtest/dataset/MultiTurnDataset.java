package dev.infer.loadtest.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multi-turn chats: each conversation has {@code turns} user messages of random tokens (lengths from
 * {@code input}, counted on the message alone); each turn is sent with the history so far, including the
 * server's real answers, so later turns have longer prompts.
 */
public final class MultiTurnDataset implements Dataset {
    private final TokenText text;
    private final LengthSpec turns;
    private final LengthSpec input;
    private final LengthSpec output;
    private final long seed;

    public MultiTurnDataset(TokenText text, LengthSpec turns, LengthSpec input, LengthSpec output, long seed) {
        this.text = text;
        this.turns = turns;
        this.input = input;
        this.output = output;
        this.seed = seed;
    }

    @Override
    public Conversation conversation(int index) {
        SplittableRandom rng = Seeds.forItem(seed, 4, index);
        int n = turns.sample(rng);
        List<Turn> list = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            int in = input.sample(rng);
            list.add(new Turn(text.exact(rng, in), in, output.sample(rng)));
        }
        return new Conversation(index, list);
    }

    @Override
    public boolean multiTurn() {
        return true;
    }
}
