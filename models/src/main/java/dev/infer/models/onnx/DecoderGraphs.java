package dev.infer.models.onnx;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.onnx.OnnxGraph.Attribute;
import dev.infer.models.onnx.OnnxGraph.ElemType;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dense segments of a Llama-family decoder as ONNX graphs over a ragged step of {@code T} tokens. Attention
 * and the K/V cache are not in them: an engine runs {@link #attentionInput} (norm, fused q/k/v projection with
 * Qwen2 bias, Qwen3 per-head q/k norm, rotary), then paged attention itself, then {@link #attentionOutput}
 * (o-proj, residual, norm, SwiGLU MLP, residual). {@link #embedding} and {@link #head} (final norm and lm_head
 * on the logit rows only) bracket the layers. All fp32; opset 17.
 */
public final class DecoderGraphs {
    public static final long OPSET = 17;
    /** Tensor names at the segment boundaries, shared with the engine that feeds them. */
    public static final String IDS = "ids";
    public static final String X = "x";
    public static final String COS = "cos";
    public static final String SIN = "sin";
    public static final String Q = "q";
    public static final String K = "k";
    public static final String V = "v";
    public static final String ATTN = "attn";
    public static final String Y = "y";
    public static final String ROWS = "rows";
    public static final String LOGITS = "logits";
    private static final String T = "T";

    private final ModelConfig c;
    private final Map<String, OnnxGraph.ExternalData> data;
    private final WeightPlan plan;
    private final int quantBits;
    private final Set<String> quantized;

    /** {@code quantBits} 4 or 8: the linear layers run as MatMulNBits over the writer's codes and scales. */
    public DecoderGraphs(ModelConfig config, WeightPlan plan, Map<String, OnnxGraph.ExternalData> data, int quantBits) {
        this.c = config;
        this.plan = plan;
        this.data = data;
        this.quantBits = quantBits;
        this.quantized = quantBits > 0 ? Set.copyOf(plan.linearKeys()) : Set.of();
    }

    /** ids {@code int64[T]} -> x {@code [T, hidden]}. */
    public OnnxGraph embedding() {
        OnnxGraph g = new OnnxGraph("embedding");
        String ids = g.input(IDS, ElemType.INT64, T);
        g.nodeTo("Gather", List.of(weight(g, WeightPlan.EMBED), ids), List.of(X), Attribute.of("axis", 0L));
        g.output(X, ElemType.FLOAT, T, c.hiddenSize());
        return g;
    }

    /** x, cos, sin {@code [T, headDim/2]} -> rotated q {@code [T, qSize]}, rotated k and v {@code [T, kvSize]}. */
    public OnnxGraph attentionInput(int layer) {
        OnnxGraph g = new OnnxGraph("layer" + layer + "_attention_input");
        String x = g.input(X, ElemType.FLOAT, T, c.hiddenSize());
        int half = c.headDim() / 2;
        String cos = g.node("Unsqueeze", List.of(g.input(COS, ElemType.FLOAT, T, half), g.int64Constant("axis", 1)));
        String sin = g.node("Unsqueeze", List.of(g.input(SIN, ElemType.FLOAT, T, half), g.int64Constant("axis", 1)));
        String normed = rmsNorm(g, x, weight(g, WeightPlan.layer(layer, "input_norm")));
        String qkv = linear(g, normed, WeightPlan.layer(layer, "qkv"),
                c.qkvBias() ? WeightPlan.layer(layer, "qkv_bias") : null);
        List<String> parts = g.node("Split", List.of(qkv, g.int64Constant("split", c.qSize(), c.kvSize(), c.kvSize())),
                3, Attribute.of("axis", 1L));
        headsThenFlatten(g, parts.get(0), c.numHeads(), layer, "q_norm", cos, sin, Q);
        headsThenFlatten(g, parts.get(1), c.numKvHeads(), layer, "k_norm", cos, sin, K);
        g.nodeTo("Identity", List.of(parts.get(2)), List.of(V));
        g.output(Q, ElemType.FLOAT, T, c.qSize());
        g.output(K, ElemType.FLOAT, T, c.kvSize());
        g.output(V, ElemType.FLOAT, T, c.kvSize());
        return g;
    }

    /** Per-head view: optional per-head RMSNorm (Qwen3), rotary, then back to {@code [T, heads * headDim]}. */
    private void headsThenFlatten(OnnxGraph g, String flat, int heads, int layer, String normPart, String cos,
                                  String sin, String out) {
        String h = g.node("Reshape", List.of(flat, g.int64Constant("heads", -1, heads, c.headDim())));
        if (c.qkNorm()) {
            h = rmsNorm(g, h, weight(g, WeightPlan.layer(layer, normPart)));
        }
        String rotated = rotary(g, h, cos, sin);
        g.nodeTo("Reshape", List.of(rotated, g.int64Constant("flat", -1, (long) heads * c.headDim())), List.of(out));
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

    /** x, attn {@code [T, qSize]} -> y = h + MLP(norm(h)) where h = x + o_proj(attn). */
    public OnnxGraph attentionOutput(int layer) {
        OnnxGraph g = new OnnxGraph("layer" + layer + "_attention_output");
        String x = g.input(X, ElemType.FLOAT, T, c.hiddenSize());
        String attn = g.input(ATTN, ElemType.FLOAT, T, c.qSize());
        String h = g.node("Add", List.of(x, linear(g, attn, WeightPlan.layer(layer, "o_proj"), null)));
        String normed = rmsNorm(g, h, weight(g, WeightPlan.layer(layer, "post_norm")));
        String gateUp = linear(g, normed, WeightPlan.layer(layer, "gate_up"), null);
        long inter = c.intermediateSize();
        List<String> gu = g.node("Split", List.of(gateUp, g.int64Constant("split", inter, inter)), 2,
                Attribute.of("axis", 1L));
        String silu = mul(g, gu.get(0), g.node("Sigmoid", List.of(gu.get(0))));
        String mlp = linear(g, mul(g, silu, gu.get(1)), WeightPlan.layer(layer, "down"), null);
        g.nodeTo("Add", List.of(h, mlp), List.of(Y));
        g.output(Y, ElemType.FLOAT, T, c.hiddenSize());
        return g;
    }

    /** x {@code [T, hidden]}, rows {@code int64[R]} -> logits {@code [R, vocab]} of those rows only. */
    public OnnxGraph head() {
        OnnxGraph g = new OnnxGraph("head");
        String x = g.input(X, ElemType.FLOAT, T, c.hiddenSize());
        String rows = g.input(ROWS, ElemType.INT64, "R");
        String picked = g.node("Gather", List.of(x, rows), Attribute.of("axis", 0L));
        String normed = rmsNorm(g, picked, weight(g, WeightPlan.FINAL_NORM));
        g.nodeTo("Identity", List.of(linear(g, normed, WeightPlan.LM_HEAD, null)), List.of(LOGITS));
        g.output(LOGITS, ElemType.FLOAT, "R", c.vocabSize());
        return g;
    }

    /** RMSNorm over the last axis as Hugging Face computes it: x / sqrt(mean(x^2) + eps) * weight. */
    private String rmsNorm(OnnxGraph g, String x, String weight) {
        String meanSquare = g.node("ReduceMean", List.of(mul(g, x, x)), Attribute.ints("axes", -1),
                Attribute.of("keepdims", 1L));
        String eps = g.node("Constant", List.of(), Attribute.of("value_float", (float) c.rmsNormEps()));
        String rms = g.node("Sqrt", List.of(g.node("Add", List.of(meanSquare, eps))));
        return mul(g, g.node("Div", List.of(x, rms)), weight);
    }

    /** x @ W^T (+ b) with W stored as the checkpoint does, {@code [out, in]}. */
    private String linear(OnnxGraph g, String x, String weightKey, String biasKey) {
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

    private static String mul(OnnxGraph g, String a, String b) {
        return g.node("Mul", List.of(a, b));
    }

    private String weight(OnnxGraph g, String key) {
        return g.externalInitializer(key, plan.get(key).dims(), data.get(key));
    }
}
