package dev.infer.loadtest.dataset;

import dev.infer.models.tokenizer.TextTokenizer;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Random text of an exact length in tokens. Random ids rarely survive decode→encode unchanged (neighbouring
 * pieces merge or split), so the text is re-encoded and trimmed or extended until it encodes to the asked
 * length, counted the way the server counts a completion prompt: {@link TextTokenizer#encode(String)}, with
 * the model's special tokens.
 */
public final class TokenText {
    private static final int MAX_ROUNDS = 64;

    private final TextTokenizer tokenizer;
    private final int[] ordinaryIds;
    private final int overhead;

    public TokenText(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.ordinaryIds = java.util.stream.IntStream.range(0, tokenizer.vocabSize())
                .filter(id -> !tokenizer.isSpecial(id) && !tokenizer.decode(new int[] {id}, true).isBlank())
                .toArray();
        this.overhead = tokenizer.specialPrefix().length + tokenizer.specialSuffix().length;
        if (ordinaryIds.length == 0) {
            throw new IllegalArgumentException("the tokenizer has no ordinary tokens to build prompts from");
        }
    }

    /** Text that encodes to exactly {@code tokens} tokens on its own (special tokens included). */
    public String exact(RandomGenerator rng, int tokens) {
        return after("", rng, tokens);
    }

    /**
     * A suffix such that {@code prefix + suffix} encodes to exactly {@code totalTokens}.
     *
     * @throws IllegalArgumentException when the prefix alone is already that long, or no text fits
     */
    public String after(String prefix, RandomGenerator rng, int totalTokens) {
        int prefixTokens = count(prefix);
        int want = totalTokens - (prefix.isEmpty() ? overhead : prefixTokens);
        if (want < 1) {
            throw new IllegalArgumentException("cannot fit " + totalTokens + " tokens: the prefix and special tokens"
                    + " take " + (prefix.isEmpty() ? overhead : prefixTokens));
        }
        int[] ids = random(rng, want);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            String suffix = tokenizer.decode(ids, true);
            int excess = count(prefix + suffix) - totalTokens;
            if (excess == 0) {
                return suffix;
            }
            ids = excess > 0 ? Arrays.copyOf(ids, Math.max(1, ids.length - excess)) : extend(ids, rng, -excess);
        }
        throw new IllegalArgumentException("no random text encodes to exactly " + totalTokens + " tokens after "
                + MAX_ROUNDS + " rounds");
    }

    /** Tokens of a text with the model's special tokens, as a completion prompt. */
    public int count(String text) {
        return tokenizer.encode(text).length;
    }

    private int[] random(RandomGenerator rng, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = ordinaryIds[rng.nextInt(ordinaryIds.length)];
        }
        return ids;
    }

    private int[] extend(int[] ids, RandomGenerator rng, int more) {
        int[] out = Arrays.copyOf(ids, ids.length + more);
        System.arraycopy(random(rng, more), 0, out, ids.length, more);
        return out;
    }
}
