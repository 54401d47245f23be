package dev.infer.models.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} for a byte-level vocabulary: ids 0–2 are {@code <unk>}, {@code <s>},
 * {@code </s>} (Llama's order) and ids 3–258 are the 256 bytes. It is a BPE model with no merges over GPT-2's
 * ByteLevel alphabet (each byte mapped to a printable character), so any UTF-8 text — emoji included —
 * encodes to one token per byte and decodes back exactly, with no files to ship.
 */
final class ByteLevelTokenizerJson {
    static final List<String> SPECIAL_TOKENS = List.of("<unk>", "<s>", "</s>");
    static final int BOS_ID = 1;
    static final int EOS_ID = 2;
    static final int FIRST_BYTE_ID = SPECIAL_TOKENS.size();
    static final int VOCAB_SIZE = FIRST_BYTE_ID + 256;

    private ByteLevelTokenizerJson() {
    }

    static ObjectNode build(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < SPECIAL_TOKENS.size(); id++) {
            added.addObject().put("id", id).put("content", SPECIAL_TOKENS.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(json));
        root.set("post_processor", prependBos(json));
        root.set("decoder", byteLevel(json));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < SPECIAL_TOKENS.size(); id++) {
            vocab.put(SPECIAL_TOKENS.get(id), id);
        }
        char[] byteChars = byteToUnicode();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(byteChars[b]), FIRST_BYTE_ID + b);
        }
        model.putArray("merges");
        return root;
    }

    private static ObjectNode byteLevel(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", true);
        n.put("use_regex", true);
        return n;
    }

    /** add_special_tokens=true prepends {@code <s>}, matching {@code add_bos_token: true} in tokenizer_config.json. */
    private static ObjectNode prependBos(ObjectMapper json) {
        ObjectNode p = json.createObjectNode();
        p.put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = p.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = p.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(BOS_ID);
        bos.putArray("tokens").add("<s>");
        return p;
    }

    /**
     * GPT-2's {@code bytes_to_unicode}: printable Latin-1 bytes stand for themselves, the other 68 bytes map to
     * U+0100 onwards in byte order, so every byte has a visible, whitespace-free character.
     */
    static char[] byteToUnicode() {
        char[] map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = (char) (printable ? b : next++);
        }
        return map;
    }
}
