package dev.infer.models.onnx;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.onnx.OnnxGraph.Attribute;
import dev.infer.models.onnx.OnnxGraph.ElemType;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes of a Llama-family decoder's dense work, added to a graph under construction over {@code T} flattened
 * tokens (2-D {@code [T, features]} tensors): embedding, each layer's work before attention (norm, fused q/k/v
 * projection with Qwen2 bias, Qwen3 per-head q/k norm, rotary) and after it (o-proj, residual, norm, SwiGLU MLP,
 * residual), and the head (final norm, lm_head). Both the engine's segment graphs and the whole-model graph in
 * the Hugging Face {@code past_key_values} layout are built from these, so they compute the same thing.
 */
final class DecoderOps {
    /** A layer's rotated queries {@code [T, qSize]}, rotated keys and values {@code [T, kvSize]}. */
    record Qkv(String q, String k, String v) {
    }

    private final ModelConfig c;
    private final Map<String, OnnxGraph.ExternalData> data;
    private final WeightPlan plan;
    private final int quantBits;
    private final Set<String> quantized;

    /** {@code quantBits} 4 or 8: the linear layers run as MatMulNBits over the writer's codes and scales. */
    DecoderOps(ModelConfig config, WeightPlan plan, Map<String, OnnxGraph.ExternalData> data, int quantBits) {
        this.c = config;
        this.plan = plan;
        this.data = data;
        this.quantBits = quantBits;
        this.quantized = quantBits > 0 ? Set.copyOf(plan.linearKeys()) : Set.of();
    }

    /** ids {@code int64[T]} -> {@code [T, hidden]}. */
    String embed(OnnxGraph g, String ids) {
        return g.node("Gather", List.of(weight(g, WeightPlan.EMBED), ids), Attribute.of("axis", 0L));
    }

    /** x {@code [T, hidden]}; cos, sin {@code [T, 1, headDim/2]} (broadcast over heads). */
    Qkv attentionInput(OnnxGraph g, int layer, String x, String cos, String sin) {
        String normed = rmsNorm(g, x, weight(g, WeightPlan.layer(layer, "input_norm")));
        String qkv = linear(g, normed, WeightPlan.layer(layer, "qkv"),
                c.qkvBias() ? WeightPlan.layer(layer, "qkv_bias") : null);
        List<String> parts = g.node("Split", List.of(qkv, g.int64Constant("split", c.qSize(), c.kvSize(), c.kvSize())),
                3, Attribute.of("axis", 1L));
        return new Qkv(headsThenFlatten(g, parts.get(0), c.numHeads(), layer, "q_norm", cos, sin),
                headsThenFlatten(g, parts.get(1), c.numKvHeads(), layer, "k_norm", cos, sin), parts.get(2));
    }

    /** x {@code [T, hidden]}, attn {@code [T, qSize]} -> h + MLP(norm(h)) where h = x + o_proj(attn). */
    String attentionOutput(OnnxGraph g, int layer, String x, String attn) {
        String h = g.node("Add", List.of(x, linear(g, attn, WeightPlan.layer(layer, "o_proj"), null)));
        String normed = rmsNorm(g, h, weight(g, WeightPlan.layer(layer, "post_norm")));
        String gateUp = linear(g, normed, WeightPlan.layer(layer, "gate_up"), null);
        long inter = c.intermediateSize();
        List<String> gu = g.node("Split", List.of(gateUp, g.int64Constant("split", inter, inter)), 2,
                Attribute.of("axis", 1L));
        String silu = mul(g, gu.get(0), g.node("Sigmoid", List.of(gu.get(0))));
        String mlp = linear(g, mul(g, silu, gu.get(1)), WeightPlan.layer(layer, "down"), null);
        return g.node("Add", List.of(h, mlp));
    }

    /** x {@code [R, hidden]} -> logits {@code [R, vocab]}. */
    String logits(OnnxGraph g, String x) {
        String normed = rmsNorm(g, x, weight(g, WeightPlan.FINAL_NORM));
        return linear(g, normed, WeightPlan.LM_HEAD, null);
    }

    /** Per-head view: optional per-head RMSNorm (Qwen3), rotary, then back to {@code [T, heads * headDim]}. */
    private String headsThenFlatten(OnnxGraph g, String flat, int heads, int layer, String normPart, String cos,
                                    String sin) {
        String h = g.node("Reshape", List.of(flat, g.int64Constant("heads", -1, heads, c.headDim())));
        if (c.qkNorm()) {
            h = rmsNorm(g, h, weight(g, WeightPlan.layer(layer, normPart)));
        }
        String rotated = rotary(g, h, cos, sin);
        return g.node("Reshape", List.of(rotated, g.int64Constant("flat", -1, (long) heads * c.headDim())));
    }

    /** Hugging Face's rotate-half: (x1, x2) -> (x1 cos - x2 sin, x2 cos + x1 sin) over the last axis. */
    private String rotary(OnnxGraph g, String h, String cos, String sin) {
        int half = c.headDim() / 2;
        String axes = g.int64Constant("axes", 2);
        String x1 = g.node("Slice", List.of(h, g.int64Constant("start", 0), g.int64Constant("end", half), axes));
        String x2 = g.node("Slice", List.of(h, g.int64Constant("start", half), g.int64Constant("end", c.headDim()), axes));
        String first = g.node("Sub", List.of(mul(g, x1, cos), mul(g, x2, sin)));
        String second = g.node("Add", List.of(mul(g, x2, cos), mul(g, x1, sin)));
        return g.node("Concat", List.of(first, second), Attribute.of("axis", -1L));
    }

    /** RMSNorm over the last axis as Hugging Face computes it: x / sqrt(mean(x^2) + eps) * weight. */
    String rmsNorm(OnnxGraph g, String x, String weight) {
        String meanSquare = g.node("ReduceMean", List.of(mul(g, x, x)), Attribute.ints("axes", -1),
                Attribute.of("keepdims", 1L));
        String eps = g.node("Constant", List.of(), Attribute.of("value_float", (float) c.rmsNormEps()));
        String rms = g.node("Sqrt", List.of(g.node("Add", List.of(meanSquare, eps))));
        return mul(g, g.node("Div", List.of(x, rms)), weight);
    }

    /** x @ W^T (+ b) with W stored as the checkpoint does, {@code [out, in]}. */
    String linear(OnnxGraph g, String x, String weightKey, String biasKey) {
        if (quantized.contains(weightKey)) {
            String product = quantizedMatMul(g, x, weightKey);
            return biasKey == null ? product : g.node("Add", List.of(product, weight(g, biasKey)));
        }
        List<String> in = biasKey == null ? List.of(x, weight(g, weightKey))
                : List.of(x, weight(g, weightKey), weight(g, biasKey));
        return g.node("Gemm", in, Attribute.of("transB", 1L));
    }

    /**
     * ONNX Runtime's weight-only quantized matmul; accuracy level 4 lets its CPU kernels quantize the activations
     * to int8 per block and use integer dot products, which is what makes it faster than fp32 there.
     */
    private String quantizedMatMul(OnnxGraph g, String x, String weightKey) {
        long n = plan.get(weightKey).dims()[0];
        long k = plan.get(weightKey).dims()[1];
        BlockQuantizer.Layout layout = new BlockQuantizer.Layout(n, k, quantBits);
        String codes = g.externalInitializer(weightKey + WeightFileWriter.CODES, ElemType.UINT8,
                new long[]{n, layout.blocksPerRow(), layout.blobBytes()}, data.get(weightKey + WeightFileWriter.CODES));
        String scales = g.externalInitializer(weightKey + WeightFileWriter.SCALES, ElemType.FLOAT,
                new long[]{n * layout.blocksPerRow()}, data.get(weightKey + WeightFileWriter.SCALES));
        return g.domainNode("com.microsoft", "MatMulNBits", List.of(x, codes, scales), Attribute.of("K", k),
                Attribute.of("N", n), Attribute.of("bits", (long) quantBits),
                Attribute.of("block_size", (long) BlockQuantizer.BLOCK), Attribute.of("accuracy_level", 4L));
    }

    static String mul(OnnxGraph g, String a, String b) {
        return g.node("Mul", List.of(a, b));
    }

    String weight(OnnxGraph g, String key) {
        return g.externalInitializer(key, plan.get(key).dims(), data.get(key));
    }
}
