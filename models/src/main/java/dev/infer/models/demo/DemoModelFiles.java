package dev.infer.models.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of the demo model directory, byte for byte. Everything is generated here (no resources), and
 * deterministically, so an existing directory can be checked by comparing bytes.
 */
final class DemoModelFiles {
    static final String CHAT_TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}\n{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DemoModelFiles() {
    }

    /** File name → content, in the order they are written. */
    static Map<String, byte[]> contents() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", json(config()));
        files.put("generation_config.json", json(generationConfig()));
        files.put("tokenizer.json", json(ByteLevelTokenizerJson.build(JSON)));
        files.put("tokenizer_config.json", json(tokenizerConfig()));
        files.put(DemoModel.MARKER_FILE, json(marker()));
        files.put("README.md", readme().getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static ObjectNode config() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", 256);
        c.put("intermediate_size", 688);
        c.put("num_hidden_layers", 4);
        c.put("num_attention_heads", 8);
        c.put("num_key_value_heads", 4);
        c.put("head_dim", 32);
        c.put("vocab_size", ByteLevelTokenizerJson.VOCAB_SIZE);
        c.put("max_position_embeddings", 2048);
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", 10000.0);
        c.put("hidden_act", "silu");
        c.put("attention_bias", false);
        c.put("mlp_bias", false);
        c.put("tie_word_embeddings", true);
        c.put("bos_token_id", ByteLevelTokenizerJson.BOS_ID);
        c.put("eos_token_id", ByteLevelTokenizerJson.EOS_ID);
        c.put("torch_dtype", "float32");
        return c;
    }

    private static ObjectNode generationConfig() {
        ObjectNode g = JSON.createObjectNode();
        g.put("bos_token_id", ByteLevelTokenizerJson.BOS_ID);
        g.put("eos_token_id", ByteLevelTokenizerJson.EOS_ID);
        g.put("do_sample", true);
        g.put("temperature", 1.0);
        g.put("top_p", 1.0);
        return g;
    }

    private static ObjectNode tokenizerConfig() {
        ObjectNode t = JSON.createObjectNode();
        t.put("tokenizer_class", "PreTrainedTokenizerFast");
        t.put("add_bos_token", true);
        t.put("add_eos_token", false);
        t.put("bos_token", "<s>");
        t.put("eos_token", "</s>");
        t.put("unk_token", "<unk>");
        t.putNull("pad_token");
        t.put("clean_up_tokenization_spaces", false);
        t.put("model_max_length", 2048);
        ObjectNode added = t.putObject("added_tokens_decoder");
        for (int id = 0; id < ByteLevelTokenizerJson.SPECIAL_TOKENS.size(); id++) {
            added.putObject(Integer.toString(id)).put("content", ByteLevelTokenizerJson.SPECIAL_TOKENS.get(id))
                    .put("lstrip", false).put("normalized", false).put("rstrip", false).put("single_word", false)
                    .put("special", true);
        }
        t.put("chat_template", CHAT_TEMPLATE);
        return t;
    }

    private static ObjectNode marker() {
        ObjectNode m = JSON.createObjectNode();
        m.put("load_format", "dummy");
        m.put("generator", "dev.infer.models.weights.DummyWeights");
        m.put("seed", DemoModel.WEIGHT_SEED);
        m.put("note", "No weights file: the weights are generated at load time from this seed.");
        return m;
    }

    private static String readme() {
        return """
                # Demo model (random weights)

                This directory was written by the inference server so that it can run on a machine with no model
                files and no network. It is a real model directory in the Hugging Face layout, but **its weights are
                random**: there is no weights file. When the server loads this model it generates every weight with
                `DummyWeights` from the fixed seed in `dummy_weights.json` (%d), so every run is the same, and
                the text it produces is random bytes, not language.

                - `config.json`: a small Llama (hidden 256, 4 layers, 8 attention heads, 4 KV heads, vocab 259).
                - `tokenizer.json`: a byte-level tokenizer (ids 0-2 are `<unk>`, `<s>`, `</s>`; ids 3-258 are the
                  256 byte values), so any UTF-8 text round-trips exactly.
                - `tokenizer_config.json`: BOS/EOS tokens and a minimal chat template.

                Use it to check that the server, its API and its streaming work end to end. For real answers, start
                the server with a real model: a local model directory or a Hugging Face repo id such as
                `Qwen/Qwen2.5-0.5B-Instruct`.

                The server recreates this directory if it is deleted or changed.
                """.formatted(DemoModel.WEIGHT_SEED);
    }

    private static byte[] json(ObjectNode node) {
        try {
            return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
