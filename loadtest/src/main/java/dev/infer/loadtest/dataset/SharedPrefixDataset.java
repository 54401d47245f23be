package dev.infer.loadtest.dataset;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Prompts that share a prefix, for prefix-cache studies: {@code prefixes} random prefixes of
 * {@code prefixTokens} tokens; prompt i takes prefix (i mod prefixes) and adds a random suffix so that the
 * whole prompt is exactly {@code prefixTokens + suffixTokens} tokens.
 */
public final class SharedPrefixDataset implements Dataset {
    private final TokenText text;
    private final String[] prefixes;
    private final int totalTokens;
    private final LengthSpec output;
    private final long seed;

    public SharedPrefixDataset(TokenText text, int prefixes, int prefixTokens, int suffixTokens, LengthSpec output,
                               long seed) {
        if (prefixes < 1 || suffixTokens < 1) {
            throw new IllegalArgumentException("need >= 1 prefix and >= 1 suffix token, got " + prefixes + ", "
                    + suffixTokens);
        }
        this.text = text;
        this.prefixes = new String[prefixes];
        for (int p = 0; p < prefixes; p++) {
            this.prefixes[p] = text.exact(Seeds.forItem(seed, 2, p), prefixTokens);
        }
        this.totalTokens = prefixTokens + suffixTokens;
        this.output = output;
        this.seed = seed;
    }

    @Override
    public Conversation conversation(int index) {
        SplittableRandom rng = Seeds.forItem(seed, 3, index);
        String prefix = prefixes[index % prefixes.length];
        String prompt = prefix + text.after(prefix, rng, totalTokens);
        return new Conversation(index, List.of(new Turn(prompt, totalTokens, output.sample(rng))));
    }

    /** The shared prefix of prompt {@code index}. */
    public String prefixOf(int index) {
        return prefixes[index % prefixes.length];
    }
}
