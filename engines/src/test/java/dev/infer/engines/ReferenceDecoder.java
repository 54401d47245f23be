package dev.infer.engines;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.ModelWeights;

/**
 * A deliberately naive, double-precision Llama-family forward (test oracle): scalar loops straight from the
 * Hugging Face modeling code, no KV cache, no batching. Only for tiny configs.
 */
public final class ReferenceDecoder {
    private final ModelConfig c;
    private final ModelWeights w;

    public ReferenceDecoder(ModelConfig config, ModelWeights weights) {
        this.c = config;
        this.w = weights;
    }

    /** Logits of the last token of {@code tokens}. */
    public double[] lastLogits(int[] tokens) {
        int n = tokens.length;
        int h = c.hiddenSize();
        double[][] x = new double[n][];
        float[] embed = w.embedTokens().toFloatArray();
        for (int t = 0; t < n; t++) {
            x[t] = new double[h];
            for (int i = 0; i < h; i++) {
                x[t][i] = embed[tokens[t] * h + i];
            }
        }
        for (int l = 0; l < c.numLayers(); l++) {
            layer(l, x);
        }
        double[] last = rmsNorm(x[n - 1], w.get("model.norm.weight").toFloatArray());
        return matVec(w.lmHead().toFloatArray(), c.vocabSize(), h, last, null);
    }

    private void layer(int l, double[][] x) {
        int n = x.length;
        int d = c.headDim();
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        float[] wq = w.layer(l, "self_attn.q_proj.weight").toFloatArray();
        float[] wk = w.layer(l, "self_attn.k_proj.weight").toFloatArray();
        float[] wv = w.layer(l, "self_attn.v_proj.weight").toFloatArray();
        float[] bq = c.qkvBias() ? w.layer(l, "self_attn.q_proj.bias").toFloatArray() : null;
        float[] bk = c.qkvBias() ? w.layer(l, "self_attn.k_proj.bias").toFloatArray() : null;
        float[] bv = c.qkvBias() ? w.layer(l, "self_attn.v_proj.bias").toFloatArray() : null;
        float[] inNorm = w.layer(l, "input_layernorm.weight").toFloatArray();
        for (int t = 0; t < n; t++) {
            double[] hn = rmsNorm(x[t], inNorm);
            q[t] = matVec(wq, c.qSize(), c.hiddenSize(), hn, bq);
            k[t] = matVec(wk, c.kvSize(), c.hiddenSize(), hn, bk);
            v[t] = matVec(wv, c.kvSize(), c.hiddenSize(), hn, bv);
            if (c.qkNorm()) {
                perHeadNorm(q[t], c.numHeads(), w.layer(l, "self_attn.q_norm.weight").toFloatArray());
                perHeadNorm(k[t], c.numKvHeads(), w.layer(l, "self_attn.k_norm.weight").toFloatArray());
            }
            rope(q[t], c.numHeads(), t);
            rope(k[t], c.numKvHeads(), t);
        }
        float[] wo = w.layer(l, "self_attn.o_proj.weight").toFloatArray();
        float[] gate = w.layer(l, "mlp.gate_proj.weight").toFloatArray();
        float[] up = w.layer(l, "mlp.up_proj.weight").toFloatArray();
        float[] down = w.layer(l, "mlp.down_proj.weight").toFloatArray();
        float[] postNorm = w.layer(l, "post_attention_layernorm.weight").toFloatArray();
        for (int t = 0; t < n; t++) {
            double[] attn = new double[c.qSize()];
            for (int head = 0; head < c.numHeads(); head++) {
                int kvHead = head / (c.numHeads() / c.numKvHeads());
                double[] scores = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int p = 0; p <= t; p++) {
                    double s = 0;
                    for (int i = 0; i < d; i++) {
                        s += q[t][head * d + i] * k[p][kvHead * d + i];
                    }
                    scores[p] = s / Math.sqrt(d);
                    max = Math.max(max, scores[p]);
                }
                double sum = 0;
                for (int p = 0; p <= t; p++) {
                    scores[p] = Math.exp(scores[p] - max);
                    sum += scores[p];
                }
                for (int p = 0; p <= t; p++) {
                    for (int i = 0; i < d; i++) {
                        attn[head * d + i] += scores[p] / sum * v[p][kvHead * d + i];
                    }
                }
            }
            double[] o = matVec(wo, c.hiddenSize(), c.qSize(), attn, null);
            double[] x2 = add(x[t], o);
            double[] hn = rmsNorm(x2, postNorm);
            double[] g = matVec(gate, c.intermediateSize(), c.hiddenSize(), hn, null);
            double[] u = matVec(up, c.intermediateSize(), c.hiddenSize(), hn, null);
            for (int i = 0; i < g.length; i++) {
                g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
            }
            x[t] = add(x2, matVec(down, c.hiddenSize(), c.intermediateSize(), g, null));
        }
    }

    private void rope(double[] vec, int heads, int pos) {
        int d = c.headDim();
        int half = d / 2;
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < half; i++) {
                double inv = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / d);
                double angle = pos * inv;
                double a = vec[head * d + i];
                double b = vec[head * d + half + i];
                vec[head * d + i] = a * Math.cos(angle) - b * Math.sin(angle);
                vec[head * d + half + i] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
    }

    private void perHeadNorm(double[] vec, int heads, float[] weight) {
        int d = c.headDim();
        for (int head = 0; head < heads; head++) {
            double[] part = new double[d];
            System.arraycopy(vec, head * d, part, 0, d);
            System.arraycopy(rmsNorm(part, weight), 0, vec, head * d, d);
        }
    }

    private double[] rmsNorm(double[] x, float[] weight) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1.0 / Math.sqrt(ss / x.length + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    private static double[] matVec(float[] m, int rows, int cols, double[] x, float[] bias) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = bias == null ? 0 : bias[r];
            for (int i = 0; i < cols; i++) {
                s += m[r * cols + i] * x[i];
            }
            out[r] = s;
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }
}
