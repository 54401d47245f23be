package dev.infer.loadtest.cli;

import dev.infer.loadtest.dataset.Dataset;
import dev.infer.loadtest.dataset.JsonlDataset;
import dev.infer.loadtest.dataset.LengthSpec;
import dev.infer.loadtest.dataset.MultiTurnDataset;
import dev.infer.loadtest.dataset.RandomDataset;
import dev.infer.loadtest.dataset.SharedPrefixDataset;
import dev.infer.loadtest.dataset.TokenText;
import dev.infer.models.tokenizer.TextTokenizer;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** Which prompts to send: seeded random, shared-prefix or multi-turn prompts exact in tokens, or a JSONL file. */
final class DatasetOptions {
    enum Kind { random, shared_prefix, multi_turn, jsonl }

    @Option(names = "--dataset", defaultValue = "random",
            description = "random, shared_prefix, multi_turn or jsonl. Default: ${DEFAULT-VALUE}.")
    Kind kind;

    @Option(names = "--tokenizer", description = "Model directory with tokenizer.json: prompt lengths are exact "
            + "in its tokens (required except for jsonl).")
    Path tokenizer;

    @Option(names = "--input-len", defaultValue = "128", description = "Prompt tokens: N or MIN:MAX (uniform); for "
            + "multi_turn, per user turn; for shared_prefix, the suffix after the prefix. Default: ${DEFAULT-VALUE}.")
    String inputLen;

    @Option(names = "--output-len", defaultValue = "128",
            description = "max_tokens: N or MIN:MAX (uniform). Default: ${DEFAULT-VALUE}.")
    String outputLen;

    @Option(names = "--prefix-len", defaultValue = "256",
            description = "shared_prefix: tokens of each shared prefix. Default: ${DEFAULT-VALUE}.")
    int prefixLen;

    @Option(names = "--num-prefixes", defaultValue = "4",
            description = "shared_prefix: distinct prefixes. Default: ${DEFAULT-VALUE}.")
    int numPrefixes;

    @Option(names = "--turns", defaultValue = "3",
            description = "multi_turn: user turns per chat, N or MIN:MAX. Default: ${DEFAULT-VALUE}.")
    String turns;

    @Option(names = "--jsonl", description = "jsonl: the file ({\"prompt\":...} or {\"turns\":[...]} per line).")
    Path jsonl;

    @Option(names = "--ignore-eos", description = "Ask the server to ignore EOS so outputs are exactly max_tokens long.")
    boolean ignoreEos;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for prompts, arrivals and cancellations. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    /** Opens the tokenizer (if any) and builds the dataset; the caller closes the returned tokenizer. */
    Dataset build(TextTokenizer tok) {
        TokenText text = tok == null ? null : new TokenText(tok);
        LengthSpec in = LengthSpec.parse(inputLen);
        LengthSpec out = LengthSpec.parse(outputLen);
        if (kind != Kind.jsonl && text == null) {
            throw new IllegalArgumentException("--dataset " + kind + " needs --tokenizer MODEL_DIR");
        }
        return switch (kind) {
            case random -> new RandomDataset(text, in, out, seed);
            case shared_prefix -> new SharedPrefixDataset(text, numPrefixes, prefixLen, in.min(), out, seed);
            case multi_turn -> new MultiTurnDataset(text, LengthSpec.parse(turns), in, out, seed);
            case jsonl -> {
                if (jsonl == null) {
                    throw new IllegalArgumentException("--dataset jsonl needs --jsonl FILE");
                }
                yield new JsonlDataset(jsonl, text, out, seed);
            }
        };
    }

    TextTokenizer openTokenizer() {
        return tokenizer == null ? null : TextTokenizer.load(tokenizer);
    }

    void describe(Map<String, String> config) {
        config.put("dataset", kind.name());
        config.put("tokenizer", String.valueOf(tokenizer));
        config.put("input_len", kind == Kind.shared_prefix ? prefixLen + " shared (" + numPrefixes + " prefixes) + "
                + inputLen : inputLen);
        config.put("output_len", outputLen);
        config.put("ignore_eos", Boolean.toString(ignoreEos));
        config.put("seed", Long.toString(seed));
        if (kind == Kind.multi_turn) {
            config.put("turns", turns);
        }
        if (kind == Kind.jsonl) {
            config.put("jsonl", String.valueOf(jsonl));
        }
    }
}
