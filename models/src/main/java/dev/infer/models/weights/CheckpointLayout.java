package dev.infer.models.weights;

import dev.infer.models.config.ModelConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensors a Hugging Face Llama-family checkpoint ({@code LlamaForCausalLM}, Mistral, Qwen2, Qwen3) holds
 * for a config, under the names {@code transformers} saves them with. One list serves both generating dummy
 * weights and validating real ones, so the two can never disagree about a name or a shape.
 */
public final class CheckpointLayout {
    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    public static final String LM_HEAD = "lm_head.weight";
    public static final String FINAL_NORM = "model.norm.weight";

    private CheckpointLayout() {
    }

    /** {@code model.layers.<i>.} — the prefix of every tensor of decoder layer {@code i}. */
    public static String layerPrefix(int layer) {
        return "model.layers." + layer + ".";
    }

    /**
     * Every tensor in the order {@code transformers} builds them: embedding, layers, final norm, then
     * {@code lm_head.weight} only when the config does not tie it to the embedding.
     */
    public static List<TensorSpec> expected(ModelConfig c) {
        long hidden = c.hiddenSize();
        long q = c.qSize();
        long kv = c.kvSize();
        long inter = c.intermediateSize();
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(spec(EMBED_TOKENS, TensorSpec.Role.EMBEDDING, c.vocabSize(), hidden));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = layerPrefix(i);
            specs.add(spec(p + "input_layernorm.weight", TensorSpec.Role.NORM, hidden));
            specs.add(spec(p + "self_attn.q_proj.weight", TensorSpec.Role.PROJECTION, q, hidden));
            specs.add(spec(p + "self_attn.k_proj.weight", TensorSpec.Role.PROJECTION, kv, hidden));
            specs.add(spec(p + "self_attn.v_proj.weight", TensorSpec.Role.PROJECTION, kv, hidden));
            if (c.qkvBias()) {
                specs.add(spec(p + "self_attn.q_proj.bias", TensorSpec.Role.BIAS, q));
                specs.add(spec(p + "self_attn.k_proj.bias", TensorSpec.Role.BIAS, kv));
                specs.add(spec(p + "self_attn.v_proj.bias", TensorSpec.Role.BIAS, kv));
            }
            if (c.qkNorm()) {
                specs.add(spec(p + "self_attn.q_norm.weight", TensorSpec.Role.NORM, c.headDim()));
                specs.add(spec(p + "self_attn.k_norm.weight", TensorSpec.Role.NORM, c.headDim()));
            }
            specs.add(spec(p + "self_attn.o_proj.weight", TensorSpec.Role.PROJECTION, hidden, q));
            specs.add(spec(p + "post_attention_layernorm.weight", TensorSpec.Role.NORM, hidden));
            specs.add(spec(p + "mlp.gate_proj.weight", TensorSpec.Role.PROJECTION, inter, hidden));
            specs.add(spec(p + "mlp.up_proj.weight", TensorSpec.Role.PROJECTION, inter, hidden));
            specs.add(spec(p + "mlp.down_proj.weight", TensorSpec.Role.PROJECTION, hidden, inter));
        }
        specs.add(spec(FINAL_NORM, TensorSpec.Role.NORM, hidden));
        if (!c.tieWordEmbeddings()) {
            specs.add(spec(LM_HEAD, TensorSpec.Role.LM_HEAD, c.vocabSize(), hidden));
        }
        return List.copyOf(specs);
    }

    private static TensorSpec spec(String name, TensorSpec.Role role, long... shape) {
        return new TensorSpec(name, shape, role);
    }
}
