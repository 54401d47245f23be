package dev.infer.models.onnx;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.onnx.OnnxGraph.Attribute;
import dev.infer.models.onnx.OnnxGraph.ElemType;

import java.util.List;
import java.util.Map;

/**
 * The dense segments of a Llama-family decoder as ONNX graphs over a ragged step of {@code T} tokens. Attention
 * and the K/V cache are not in them: an engine runs {@link #attentionInput} (up to rotated q/k/v), then paged
 * attention itself, then {@link #attentionOutput} (o-proj through the MLP's residual). {@link #embedding} and
 * {@link #head} (final norm and lm_head on the logit rows only) bracket the layers. fp32 activations; opset 17.
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
    private final DecoderOps ops;

    /** {@code quantBits} 4 or 8: the linear layers run as MatMulNBits over the writer's codes and scales. */
    public DecoderGraphs(ModelConfig config, WeightPlan plan, Map<String, OnnxGraph.ExternalData> data, int quantBits) {
        this.c = config;
        this.ops = new DecoderOps(config, plan, data, quantBits);
    }

    /** ids {@code int64[T]} -> x {@code [T, hidden]}. */
    public OnnxGraph embedding() {
        OnnxGraph g = new OnnxGraph("embedding");
        String ids = g.input(IDS, ElemType.INT64, T);
        g.nodeTo("Identity", List.of(ops.embed(g, ids)), List.of(X));
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
        DecoderOps.Qkv qkv = ops.attentionInput(g, layer, x, cos, sin);
        g.nodeTo("Identity", List.of(qkv.q()), List.of(Q));
        g.nodeTo("Identity", List.of(qkv.k()), List.of(K));
        g.nodeTo("Identity", List.of(qkv.v()), List.of(V));
        g.output(Q, ElemType.FLOAT, T, c.qSize());
        g.output(K, ElemType.FLOAT, T, c.kvSize());
        g.output(V, ElemType.FLOAT, T, c.kvSize());
        return g;
    }

    /** x, attn {@code [T, qSize]} -> y = h + MLP(norm(h)) where h = x + o_proj(attn). */
    public OnnxGraph attentionOutput(int layer) {
        OnnxGraph g = new OnnxGraph("layer" + layer + "_attention_output");
        String x = g.input(X, ElemType.FLOAT, T, c.hiddenSize());
        String attn = g.input(ATTN, ElemType.FLOAT, T, c.qSize());
        g.nodeTo("Identity", List.of(ops.attentionOutput(g, layer, x, attn)), List.of(Y));
        g.output(Y, ElemType.FLOAT, T, c.hiddenSize());
        return g;
    }

    /** x {@code [T, hidden]}, rows {@code int64[R]} -> logits {@code [R, vocab]} of those rows only. */
    public OnnxGraph head() {
        OnnxGraph g = new OnnxGraph("head");
        String x = g.input(X, ElemType.FLOAT, T, c.hiddenSize());
        String rows = g.input(ROWS, ElemType.INT64, "R");
        String picked = g.node("Gather", List.of(x, rows), Attribute.of("axis", 0L));
        g.nodeTo("Identity", List.of(ops.logits(g, picked)), List.of(LOGITS));
        g.output(LOGITS, ElemType.FLOAT, "R", c.vocabSize());
        return g;
    }
}
