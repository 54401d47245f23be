package dev.infer.models.tokenizer;

import java.util.Arrays;
import java.util.Objects;

/**
 * Turns a stream of generated token ids into text deltas that are always whole UTF-8 characters.
 *
 * <p>Decoding ids one at a time breaks text in two ways: a character split over several byte tokens
 * (byte-level BPE, or SentencePiece byte fallback such as {@code <0xE4>}) decodes to U+FFFD, and SentencePiece
 * decoders drop the leading space of whatever sequence they decode first. The standard remedy (TGI, vLLM) is
 * used: keep a small window of ids {@code [prefixOffset, end)}, decode {@code [prefixOffset, readOffset)} (text
 * already emitted) and {@code [prefixOffset, end)}, and emit the difference once it is longer and does not end
 * in U+FFFD. Both decodes start at the same token, so tokenizer quirks at the window start cancel out. Seeding
 * the window with the prompt's last ids makes the first generated word keep its leading space.
 *
 * <p>Work per token is O(window) (a few ids) and independent of the sequence length; the decoded prefix text
 * is cached between tokens and the id buffers are reused. Not thread-safe: one instance per sequence.
 */
public final class IncrementalDetokenizer {
    /** Prompt ids used as context (vLLM uses the same number). */
    static final int PROMPT_CONTEXT = 5;
    /**
     * Safety valve: a window that has waited this many tokens without producing clean text (a model emitting
     * invalid byte sequences, or a run of skipped special tokens) is emitted as it is, so the window stays
     * bounded. A valid character never needs more than four byte tokens.
     */
    static final int MAX_PENDING = 16;
    private static final char REPLACEMENT = '\uFFFD';

    private final TextTokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private long[] window = new long[32];
    // Reused id arrays by length: DJL decodes whole arrays only, and the window never exceeds this size.
    private final long[][] scratch = new long[2 * MAX_PENDING + PROMPT_CONTEXT + 1][];
    private int length;
    private int prefixOffset;
    private int readOffset;
    private String prefixText;

    public IncrementalDetokenizer(TextTokenizer tokenizer, boolean skipSpecialTokens) {
        this(tokenizer, skipSpecialTokens, new int[0]);
    }

    /**
     * @param promptIds the prompt's ids (only the last few are kept); their text is never emitted, they only
     *                  give the first generated tokens the context a full decode would have
     */
    public IncrementalDetokenizer(TextTokenizer tokenizer, boolean skipSpecialTokens, int[] promptIds) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.skipSpecialTokens = skipSpecialTokens;
        int from = Math.max(0, promptIds.length - PROMPT_CONTEXT);
        for (int i = from; i < promptIds.length; i++) {
            append(promptIds[i]);
        }
        readOffset = length;
    }

    /** Adds one generated id; returns the newly completed text, or "" while a character is still incomplete. */
    public String next(int tokenId) {
        append(tokenId);
        String prefix = prefixText();
        String full = decode(prefixOffset, length);
        boolean complete = full.length() > prefix.length() && full.charAt(full.length() - 1) != REPLACEMENT;
        if (!complete && length - readOffset < MAX_PENDING) {
            return "";
        }
        return advance(prefix, full);
    }

    /** Emits whatever is still held back (possibly with U+FFFD, if the sequence ended mid-character). */
    public String flush() {
        if (readOffset == length) {
            return "";
        }
        return advance(prefixText(), decode(prefixOffset, length));
    }

    private String advance(String prefix, String full) {
        // As TGI: the new text is the decoded window minus the length of what was emitted from it before.
        String delta = full.length() > prefix.length() ? full.substring(prefix.length()) : "";
        prefixOffset = readOffset;
        readOffset = length;
        prefixText = null;
        compact();
        return delta;
    }

    private String prefixText() {
        if (prefixText == null) {
            prefixText = decode(prefixOffset, readOffset);
        }
        return prefixText;
    }

    private String decode(int from, int to) {
        int n = to - from;
        if (n == 0) {
            return "";
        }
        long[] ids = n < scratch.length ? scratch[n] : null;
        if (ids == null) {
            ids = new long[n];
            if (n < scratch.length) {
                scratch[n] = ids;
            }
        }
        System.arraycopy(window, from, ids, 0, n);
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    private void append(int id) {
        if (length == window.length) {
            window = Arrays.copyOf(window, window.length * 2);
        }
        window[length++] = id;
    }

    // Ids before prefixOffset are never decoded again: slide the window back to keep it small.
    private void compact() {
        if (prefixOffset == 0) {
            return;
        }
        System.arraycopy(window, prefixOffset, window, 0, length - prefixOffset);
        length -= prefixOffset;
        readOffset -= prefixOffset;
        prefixOffset = 0;
    }
}
