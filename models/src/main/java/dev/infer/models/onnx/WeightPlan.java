package dev.infer.models.onnx;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.CheckpointLayout;
import dev.infer.models.weights.ModelWeights;
import dev.infer.models.weights.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which fp32 tensors the decoder graphs read and where each comes from in the checkpoint. q/k/v and gate/up
 * are fused into one matrix each (their rows concatenated), so every projection is one GEMM; a tied
 * {@code lm_head} is the embedding entry itself, so the weights file holds it once.
 *
 * @param entries by key ({@code embed}, {@code lm_head}, {@code final_norm}, {@code layers.<i>.<part>}),
 *                in file order
 */
public record WeightPlan(Map<String, Entry> entries) {
    /** One exported tensor: checkpoint tensors concatenated along their first axis, with the graph's dims. */
    public record Entry(List<Tensor> parts, long[] dims) {
        public long elementCount() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    public static final String EMBED = "embed";
    public static final String LM_HEAD = "lm_head";
    public static final String FINAL_NORM = "final_norm";

    /** The key of a layer part, e.g. {@code layer(3, "qkv")}. */
    public static String layer(int layer, String part) {
        return "layers." + layer + "." + part;
    }

    public Entry get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new IllegalArgumentException("no exported tensor " + key);
        }
        return e;
    }

    /** The plan for a checkpoint already validated against {@code c}. */
    public static WeightPlan of(ModelConfig c, ModelWeights w) {
        Map<String, Entry> m = new LinkedHashMap<>();
        long h = c.hiddenSize();
        m.put(EMBED, new Entry(List.of(w.embedTokens()), new long[]{c.vocabSize(), h}));
        m.put(LM_HEAD, w.sharesEmbedding() ? m.get(EMBED) : new Entry(List.of(w.lmHead()), new long[]{c.vocabSize(), h}));
        m.put(FINAL_NORM, vector(w.get(CheckpointLayout.FINAL_NORM)));
        for (int i = 0; i < c.numLayers(); i++) {
            addLayer(m, c, w, i);
        }
        return new WeightPlan(m);
    }

    private static void addLayer(Map<String, Entry> m, ModelConfig c, ModelWeights w, int i) {
        long h = c.hiddenSize();
        long qkvRows = c.qSize() + 2L * c.kvSize();
        m.put(layer(i, "input_norm"), vector(w.layer(i, "input_layernorm.weight")));
        m.put(layer(i, "qkv"), new Entry(List.of(w.layer(i, "self_attn.q_proj.weight"),
                w.layer(i, "self_attn.k_proj.weight"), w.layer(i, "self_attn.v_proj.weight")), new long[]{qkvRows, h}));
        if (c.qkvBias()) {
            m.put(layer(i, "qkv_bias"), new Entry(List.of(w.layer(i, "self_attn.q_proj.bias"),
                    w.layer(i, "self_attn.k_proj.bias"), w.layer(i, "self_attn.v_proj.bias")), new long[]{qkvRows}));
        }
        if (c.qkNorm()) {
            m.put(layer(i, "q_norm"), vector(w.layer(i, "self_attn.q_norm.weight")));
            m.put(layer(i, "k_norm"), vector(w.layer(i, "self_attn.k_norm.weight")));
        }
        m.put(layer(i, "o_proj"), new Entry(List.of(w.layer(i, "self_attn.o_proj.weight")), new long[]{h, c.qSize()}));
        m.put(layer(i, "post_norm"), vector(w.layer(i, "post_attention_layernorm.weight")));
        m.put(layer(i, "gate_up"), new Entry(List.of(w.layer(i, "mlp.gate_proj.weight"), w.layer(i, "mlp.up_proj.weight")),
                new long[]{2L * c.intermediateSize(), h}));
        m.put(layer(i, "down"), new Entry(List.of(w.layer(i, "mlp.down_proj.weight")),
                new long[]{h, c.intermediateSize()}));
    }

    private static Entry vector(Tensor t) {
        return new Entry(List.of(t), new long[]{t.elementCount()});
    }

    /** The keys of the matrices every token multiplies (what weight-only quantization applies to). */
    public List<String> linearKeys() {
        return entries.keySet().stream().filter(k -> k.equals(LM_HEAD) || LINEAR.contains(k.substring(k.lastIndexOf('.') + 1)))
                .toList();
    }

    private static final Set<String> LINEAR = Set.of("qkv", "o_proj", "gate_up", "down");

    /** Entries in file order, each once (a tied lm_head is the embedding entry). */
    public List<Map.Entry<String, Entry>> distinct() {
        List<Map.Entry<String, Entry>> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (out.stream().noneMatch(o -> o.getValue() == e.getValue())) {
                out.add(e);
            }
        }
        return out;
    }
}
