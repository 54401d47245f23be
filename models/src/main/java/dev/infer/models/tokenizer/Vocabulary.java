package dev.infer.models.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.infer.models.ModelFormatException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The token ↔ id tables of a {@code tokenizer.json}: the model vocabulary plus the added tokens. DJL's
 * tokenizer binding exposes no vocabulary access, so we read the file ourselves. The file is streamed
 * (Qwen's is 6 MB, most of it BPE merges we skip) rather than loaded as a tree.
 */
final class Vocabulary {
    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final BitSet special;

    private Vocabulary(String[] tokens, Map<String, Integer> ids, BitSet special) {
        this.tokens = tokens;
        this.ids = ids;
        this.special = special;
    }

    static Vocabulary read(Path tokenizerJson) {
        Map<String, Integer> ids = new HashMap<>();
        BitSet special = new BitSet();
        try (JsonParser p = new JsonFactory().createParser(tokenizerJson.toFile())) {
            expect(p.nextToken(), JsonToken.START_OBJECT, tokenizerJson);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "added_tokens" -> readAddedTokens(p, ids, special, tokenizerJson);
                    case "model" -> readModel(p, ids, tokenizerJson);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerJson + ": cannot read the vocabulary: " + e.getMessage(), e);
        }
        if (ids.isEmpty()) {
            throw new ModelFormatException(tokenizerJson + ": no model.vocab found");
        }
        int max = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        String[] tokens = new String[max + 1];
        ids.forEach((token, id) -> tokens[id] = token);
        return new Vocabulary(tokens, ids, special);
    }

    /** Ids the tokenizer can produce: the highest id of the vocabulary or the added tokens, plus one. */
    int size() {
        return tokens.length;
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token's text in the tokenizer's own alphabet (byte-level "Ġ" or SentencePiece "▁"), or null. */
    String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    boolean isSpecial(int id) {
        return id >= 0 && special.get(id);
    }

    int[] specialIds() {
        return special.stream().toArray();
    }

    private static void readAddedTokens(JsonParser p, Map<String, Integer> ids, BitSet special, Path file)
            throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p.currentToken(), JsonToken.START_ARRAY, file);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            Integer id = null;
            String content = null;
            boolean isSpecial = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "id" -> id = p.getIntValue();
                    case "content" -> content = p.getText();
                    case "special" -> isSpecial = p.getBooleanValue();
                    default -> p.skipChildren();
                }
            }
            if (id == null || content == null) {
                throw new ModelFormatException(file + ": an added_tokens entry lacks id or content");
            }
            ids.put(content, id);
            if (isSpecial) {
                special.set(id);
            }
        }
    }

    private static void readModel(JsonParser p, Map<String, Integer> ids, Path file) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT, file);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (!"vocab".equals(name)) {
                p.skipChildren();
            } else if (value == JsonToken.START_OBJECT) {
                // BPE / WordPiece / WordLevel: {"token": id, ...}. Added tokens win over a clashing vocab entry.
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    p.nextToken();
                    ids.putIfAbsent(token, p.getIntValue());
                }
            } else if (value == JsonToken.START_ARRAY) {
                // Unigram: [["piece", score], ...], the id is the position.
                int id = 0;
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    p.nextToken();
                    ids.putIfAbsent(p.getText(), id++);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                    }
                }
            } else {
                throw new ModelFormatException(file + ": model.vocab must be an object or a list");
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, Path file) {
        if (actual != expected) {
            throw new ModelFormatException(file + ": expected " + expected + " but found " + actual);
        }
    }

    @Override
    public String toString() {
        return "Vocabulary[size=" + tokens.length + ", special=" + special.cardinality() + "]";
    }
}
