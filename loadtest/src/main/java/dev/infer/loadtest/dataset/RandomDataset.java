package dev.infer.loadtest.dataset;

import java.util.List;
import java.util.SplittableRandom;

/** Single prompts of random tokens, input and output lengths drawn from the given distributions. */
public final class RandomDataset implements Dataset {
    private final TokenText text;
    private final LengthSpec input;
    private final LengthSpec output;
    private final long seed;

    public RandomDataset(TokenText text, LengthSpec input, LengthSpec output, long seed) {
        this.text = text;
        this.input = input;
        this.output = output;
        this.seed = seed;
    }

    @Override
    public Conversation conversation(int index) {
        SplittableRandom rng = Seeds.forItem(seed, 1, index);
        int in = input.sample(rng);
        int out = output.sample(rng);
        return new Conversation(index, List.of(new Turn(text.exact(rng, in), in, out)));
    }
}
