package dev.infer.models.onnx;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.config.RotaryFrequencies;
import dev.infer.models.onnx.OnnxGraph.Attribute;
import dev.infer.models.onnx.OnnxGraph.ElemType;
import dev.infer.models.weights.ModelWeights;
import dev.infer.models.weights.WeightSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole decoder as one graph in the layout Hugging Face Optimum and transformers.js export: inputs
 * {@code input_ids}, {@code attention_mask}, {@code position_ids} {@code [batch, seq]} and
 * {@code past_key_values.N.key/value} {@code [batch, kvHeads, past, headDim]}; outputs {@code logits}
 * {@code [batch, seq, vocab]} and {@code present.N.key/value} {@code [batch, kvHeads, past + seq, headDim]}.
 * The dense work is {@link DecoderOps}'; attention is plain causal softmax attention over past + new keys.
 */
public final class PastKvDecoderGraph {
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String POSITION_IDS = "position_ids";
    public static final String LOGITS = "logits";
    public static final String MODEL_FILE = "model.onnx";

    private final ModelConfig c;
    private final DecoderOps ops;

    PastKvDecoderGraph(ModelConfig config, DecoderOps ops) {
        this.c = config;
        this.ops = ops;
    }

    public static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    public static String pastValue(int layer) {
        return "past_key_values." + layer + ".value";
    }

    public static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    public static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    /** Writes {@value #MODEL_FILE} and its {@code weights.bin} into {@code dir}; returns the model file. */
    public static Path export(Path dir, ModelConfig config, WeightSource source, WeightFormat format) {
        ModelWeights weights = ModelWeights.of(source);
        weights.validate(config);
        WeightPlan plan = WeightPlan.of(config, weights);
        try {
            Files.createDirectories(dir);
            Map<String, OnnxGraph.ExternalData> data = WeightFileWriter.write(dir.resolve(DecoderModelFiles.WEIGHTS),
                    plan, format.roundToBf16(), format.quantBits());
            PastKvDecoderGraph graph = new PastKvDecoderGraph(config, new DecoderOps(config, plan, data,
                    format.quantBits()));
            Path model = dir.resolve(MODEL_FILE);
            Files.write(model, graph.build().toModel(DecoderGraphs.OPSET));
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("exporting the decoder to " + dir, e);
        }
    }

    OnnxGraph build() {
        OnnxGraph g = new OnnxGraph("decoder_with_past");
        String ids = g.input(INPUT_IDS, ElemType.INT64, "batch", "seq");
        String mask = g.input(ATTENTION_MASK, ElemType.INT64, "batch", "total");
        String positions = g.input(POSITION_IDS, ElemType.INT64, "batch", "seq");
        String batchSeq = g.node("Shape", List.of(ids));
        String flatPositions = g.node("Reshape", List.of(positions, g.int64Constant("flat", -1)));
        String[] cosSin = rotaryRows(g, flatPositions);
        String bias = maskBias(g, mask, positions);
        String x = ops.embed(g, g.node("Reshape", List.of(ids, g.int64Constant("flat", -1))));
        for (int l = 0; l < c.numLayers(); l++) {
            DecoderOps.Qkv qkv = ops.attentionInput(g, l, x, cosSin[0], cosSin[1]);
            x = ops.attentionOutput(g, l, x, attention(g, l, qkv, batchSeq, bias));
        }
        String shape = g.node("Concat", List.of(batchSeq, g.int64Constant("vocab", c.vocabSize())),
                Attribute.of("axis", 0L));
        g.nodeTo("Reshape", List.of(ops.logits(g, x), shape), List.of(LOGITS));
        g.output(LOGITS, ElemType.FLOAT, "batch", "seq", c.vocabSize());
        return g;
    }

    /** cos and sin of each token's position, {@code [T, 1, headDim/2]}, from tables in the graph. */
    private String[] rotaryRows(OnnxGraph g, String flatPositions) {
        float[][] tables = RotaryFrequencies.cosSinTables(c);
        float[] cos = tables[0];
        float[] sin = tables[1];
        long[] dims = {c.maxPositionEmbeddings(), c.headDim() / 2};
        String axis = g.int64Constant("axis", 1);
        return new String[]{
                g.node("Unsqueeze", List.of(g.node("Gather", List.of(g.floatConstant("cos", dims, cos), flatPositions)), axis)),
                g.node("Unsqueeze", List.of(g.node("Gather", List.of(g.floatConstant("sin", dims, sin), flatPositions)), axis))};
    }

    /**
     * 0 where query i may see key j, -1e9 elsewhere, {@code [batch, 1, seq, total]}: key j is visible when
     * j <= position of i (causal; key j sits at position j) and the attention mask keeps it.
     */
    private String maskBias(OnnxGraph g, String mask, String positions) {
        String total = g.node("Gather", List.of(g.node("Shape", List.of(mask)), g.int64Scalar("one", 1)));
        String keyPositions = g.node("Range", List.of(g.int64Scalar("zero", 0), total, g.int64Scalar("one", 1)));
        String causal = g.node("LessOrEqual", List.of(
                g.node("Reshape", List.of(keyPositions, g.int64Constant("row", 1, 1, -1))),
                g.node("Unsqueeze", List.of(positions, g.int64Constant("axis", 2)))));
        String kept = g.node("Cast", List.of(g.node("Unsqueeze", List.of(mask, g.int64Constant("axis", 1)))),
                Attribute.of("to", (long) ElemType.BOOL.code));
        String visible = g.node("And", List.of(causal, kept));
        String bias = g.node("Where", List.of(visible, floatScalar(g, 0f), floatScalar(g, -1e9f)));
        return g.node("Unsqueeze", List.of(bias, g.int64Constant("axis", 1)));
    }

    /** Softmax attention of one layer over past + new keys; writes present K/V; returns {@code [T, qSize]}. */
    private String attention(OnnxGraph g, int layer, DecoderOps.Qkv qkv, String batchSeq, String bias) {
        String q = toHeads(g, qkv.q(), c.numHeads(), batchSeq);
        String k = toHeads(g, qkv.k(), c.numKvHeads(), batchSeq);
        String v = toHeads(g, qkv.v(), c.numKvHeads(), batchSeq);
        String pastK = g.input(pastKey(layer), ElemType.FLOAT, "batch", c.numKvHeads(), "past", c.headDim());
        String pastV = g.input(pastValue(layer), ElemType.FLOAT, "batch", c.numKvHeads(), "past", c.headDim());
        g.nodeTo("Concat", List.of(pastK, k), List.of(presentKey(layer)), Attribute.of("axis", 2L));
        g.nodeTo("Concat", List.of(pastV, v), List.of(presentValue(layer)), Attribute.of("axis", 2L));
        g.output(presentKey(layer), ElemType.FLOAT, "batch", c.numKvHeads(), "total", c.headDim());
        g.output(presentValue(layer), ElemType.FLOAT, "batch", c.numKvHeads(), "total", c.headDim());
        String keys = repeatKvHeads(g, presentKey(layer));
        String values = repeatKvHeads(g, presentValue(layer));
        String scores = g.node("MatMul", List.of(q, g.node("Transpose", List.of(keys), Attribute.ints("perm", 0, 1, 3, 2))));
        String scaled = g.node("Add", List.of(DecoderOps.mul(g, scores, floatScalar(g,
                (float) (1.0 / Math.sqrt(c.headDim())))), bias));
        String probs = g.node("Softmax", List.of(scaled), Attribute.of("axis", -1L));
        String context = g.node("Transpose", List.of(g.node("MatMul", List.of(probs, values))),
                Attribute.ints("perm", 0, 2, 1, 3));
        return g.node("Reshape", List.of(context, g.int64Constant("flat", -1, c.qSize())));
    }

    /** {@code [T, heads * headDim]} -> {@code [batch, heads, seq, headDim]}. */
    private String toHeads(OnnxGraph g, String flat, int heads, String batchSeq) {
        String shape = g.node("Concat", List.of(batchSeq, g.int64Constant("heads", heads, c.headDim())),
                Attribute.of("axis", 0L));
        return g.node("Transpose", List.of(g.node("Reshape", List.of(flat, shape))), Attribute.ints("perm", 0, 2, 1, 3));
    }

    /** Grouped-query attention: each KV head serves {@code numHeads / numKvHeads} query heads. */
    private String repeatKvHeads(OnnxGraph g, String kv) {
        long group = c.numHeads() / c.numKvHeads();
        String tiled = g.node("Tile", List.of(g.node("Unsqueeze", List.of(kv, g.int64Constant("axis", 2))),
                g.int64Constant("repeats", 1, 1, group, 1, 1)));
        return g.node("Reshape", List.of(tiled, g.int64Constant("heads", 0, c.numHeads(), -1, c.headDim())));
    }

    private static String floatScalar(OnnxGraph g, float value) {
        return g.node("Constant", List.of(), Attribute.of("value_float", value));
    }
}
