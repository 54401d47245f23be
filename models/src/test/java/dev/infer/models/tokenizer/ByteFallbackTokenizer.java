package dev.infer.models.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a small SentencePiece-style tokenizer (Llama layout: "▁" for spaces, {@code <0xE4>} byte-fallback
 * tokens for characters outside the vocabulary, a Strip decoder) into a directory. The shared TinyStories
 * tokenizer enables byte fallback but has no byte tokens, so this is how streaming of byte pieces is tested.
 */
final class ByteFallbackTokenizer {
    static final int BYTE_BASE = 3;

    private ByteFallbackTokenizer() {
    }

    static void write(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<unk>", "<s>", "</s>"};
        ObjectNode vocab = json.createObjectNode();
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
            vocab.put(specials[i], i);
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), BYTE_BASE + b);
        }
        int id = BYTE_BASE + 256;
        for (String piece : new String[] {"▁", "a", "b", "c", "▁a", "▁b"}) {
            vocab.put(piece, id++);
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode normalizers = normalizer.putArray("normalizers");
        normalizers.addObject().put("type", "Prepend").put("prepend", "▁");
        normalizers.addObject().put("type", "Replace").<ObjectNode>set("pattern",
                json.createObjectNode().put("String", " ")).put("content", "▁");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        decoders.addObject().put("type", "Replace").<ObjectNode>set("pattern",
                json.createObjectNode().put("String", "▁")).put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.put("unk_token", "<unk>").putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true).put("byte_fallback", true).put("ignore_merges", false);
        model.set("vocab", vocab);
        model.putArray("merges").add("▁ a").add("▁ b");
        json.writeValue(dir.resolve("tokenizer.json").toFile(), root);
        // No post-processor: the BOS comes from add_bos_token, as for transformers' LlamaTokenizerFast.
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": true, \"add_eos_token\": false, \"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
    }
}
