package dev.infer.models.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.infer.models.ModelFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model's {@code tokenizer.json}, run by the Hugging Face tokenizers library through DJL, with the
 * special-token policy decided by us rather than by DJL's defaults.
 *
 * <p>DJL is opened with truncation and padding off (its default truncates to 512 tokens) and never asked to
 * add special tokens. Instead we learn once, at load, what the tokenizer's post-processor adds around a text
 * (Llama: BOS in front; Qwen: nothing) and let {@code add_bos_token} / {@code add_eos_token} in
 * {@code tokenizer_config.json} override it, as transformers' Llama tokenizer does. {@link #encode(String)}
 * then applies that policy itself, but does not add a BOS the text already starts with: chat templates such
 * as DeepSeek-R1's print {@code bos_token} into the prompt, and a doubled BOS degrades generation.
 *
 * <p>{@code clean_up_tokenization_spaces} is not applied: the supported models set it to false and it cannot
 * be applied consistently to streamed text. Encoding and decoding are thread-safe until {@link #close()}.
 */
public final class TextTokenizer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TextTokenizer.class);
    public static final String FILE_NAME = "tokenizer.json";
    // A text every tokenizer encodes to something, used to see what the post-processor adds around it.
    private static final String PROBE = "a";

    private final HuggingFaceTokenizer tokenizer;
    private final Vocabulary vocabulary;
    private final int[] prefix;
    private final int[] suffix;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Vocabulary vocabulary, int[] prefix, int[] suffix) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.prefix = prefix;
        this.suffix = suffix;
    }

    /** Loads {@code tokenizer.json} (and {@code tokenizer_config.json} if present) from a model directory. */
    public static TextTokenizer load(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(modelDir + ": no " + FILE_NAME);
        }
        TokenizerConfig config = TokenizerConfig.load(modelDir);
        Vocabulary vocabulary = Vocabulary.read(file);
        HuggingFaceTokenizer tokenizer = open(file);
        try {
            long[] plain = tokenizer.encode(PROBE, false, false).getIds();
            long[] full = tokenizer.encode(PROBE, true, false).getIds();
            int at = indexOf(full, plain);
            int[] prefix = at < 0 ? new int[0] : toInts(Arrays.copyOfRange(full, 0, at));
            int[] suffix = at < 0 ? new int[0] : toInts(Arrays.copyOfRange(full, at + plain.length, full.length));
            if (at < 0) {
                LOG.warn("{}: cannot tell what the post-processor adds; adding no special tokens", file);
            }
            prefix = override(prefix, config.addBosToken().orElse(null), config.bosToken().orElse(null), vocabulary);
            suffix = override(suffix, config.addEosToken().orElse(null), config.eosToken().orElse(null), vocabulary);
            return new TextTokenizer(tokenizer, vocabulary, prefix, suffix);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** Encodes with the model's special-token policy (see the class comment). */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /** Encodes; special-token text inside {@code text} (e.g. {@code <|im_start|>}) always maps to its id. */
    public int[] encode(String text, boolean addSpecialTokens) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        if (!addSpecialTokens || (prefix.length == 0 && suffix.length == 0)) {
            return toInts(ids);
        }
        int[] head = startsWith(ids, prefix) ? new int[0] : prefix;
        int[] out = new int[head.length + ids.length + suffix.length];
        System.arraycopy(head, 0, out, 0, head.length);
        for (int i = 0; i < ids.length; i++) {
            out[head.length + i] = Math.toIntExact(ids[i]);
        }
        System.arraycopy(suffix, 0, out, head.length + ids.length, suffix.length);
        return out;
    }

    /** Decodes a whole sequence; ids the tokenizer does not know decode to nothing, as in transformers. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return decode(longs, skipSpecialTokens);
    }

    String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /**
     * Ids the tokenizer knows: vocabulary plus added tokens. A model's embedding table is often padded beyond
     * this (Qwen: 151936 rows for 151669 tokens); ids in between have no text.
     */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** The id of an exact token string such as {@code <think>} or {@code <|im_end|>}. */
    public OptionalInt tokenId(String token) {
        return vocabulary.id(token);
    }

    /**
     * The token's text in the tokenizer's own alphabet (e.g. "Ġhello" for byte-level BPE, "▁hello" for
     * SentencePiece), as transformers' {@code convert_ids_to_tokens}.
     *
     * @throws IllegalArgumentException for an id without a token
     */
    public String idToToken(int id) {
        String token = vocabulary.token(id);
        if (token == null) {
            throw new IllegalArgumentException(
                    "token id " + id + " is not in the vocabulary (size " + vocabSize() + ")");
        }
        return token;
    }

    /** Whether the id is an added token marked special (skipped by {@code skipSpecialTokens}). */
    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    /** The ids {@link #encode(String)} puts before the text (typically {@code [BOS]} or nothing). */
    public int[] specialPrefix() {
        return prefix.clone();
    }

    /** The ids {@link #encode(String)} puts after the text (usually nothing). */
    public int[] specialSuffix() {
        return suffix.clone();
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static HuggingFaceTokenizer open(Path file) {
        // The stream overload reads only tokenizer.json: DJL's directory loader would also apply its own reading
        // of tokenizer_config.json. "false" turns DJL's 512-token truncation and padding off.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        try (InputStream in = Files.newInputStream(file)) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(file + ": cannot load tokenizer: " + e.getMessage(), e);
        }
    }

    // An explicit add_bos_token/add_eos_token replaces what the post-processor does (transformers rebuilds the
    // Llama post-processor from these flags); without a resolvable token the post-processor's choice stays.
    private static int[] override(int[] fromPostProcessor, Boolean add, String token, Vocabulary vocabulary) {
        if (add == null) {
            return fromPostProcessor;
        }
        if (!add) {
            return new int[0];
        }
        OptionalInt id = token == null ? OptionalInt.empty() : vocabulary.id(token);
        return id.isPresent() ? new int[] {id.getAsInt()} : fromPostProcessor;
    }

    private static int indexOf(long[] haystack, long[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean startsWith(long[] ids, int[] head) {
        if (head.length == 0 || ids.length < head.length) {
            return false;
        }
        for (int i = 0; i < head.length; i++) {
            if (ids[i] != head[i]) {
                return false;
            }
        }
        return true;
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
