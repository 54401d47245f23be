package dev.infer.engines.onnx;

import ai.onnxruntime.OrtEnvironment;
import dev.infer.engines.KvCache;
import dev.infer.engines.Logits;
import dev.infer.engines.ModelInfo;
import dev.infer.engines.RotaryTable;
import dev.infer.engines.StepBatch;
import dev.infer.engines.kv.HostKvEngine;
import dev.infer.engines.kv.HostKvCache;
import dev.infer.kernels.AttentionBatch;
import dev.infer.kernels.AttentionKernels;
import dev.infer.kernels.KvLayer;

import java.util.Map;

import static dev.infer.models.onnx.DecoderGraphs.ATTN;
import static dev.infer.models.onnx.DecoderGraphs.COS;
import static dev.infer.models.onnx.DecoderGraphs.IDS;
import static dev.infer.models.onnx.DecoderGraphs.K;
import static dev.infer.models.onnx.DecoderGraphs.LOGITS;
import static dev.infer.models.onnx.DecoderGraphs.Q;
import static dev.infer.models.onnx.DecoderGraphs.ROWS;
import static dev.infer.models.onnx.DecoderGraphs.SIN;
import static dev.infer.models.onnx.DecoderGraphs.V;
import static dev.infer.models.onnx.DecoderGraphs.X;
import static dev.infer.models.onnx.DecoderGraphs.Y;

/**
 * A Llama-family decoder on ONNX Runtime (CPU): the dense work of each layer runs as two ORT graph segments
 * (before and after attention); K/V cache writes and paged attention run in {@code kernels-jni} between them,
 * on the very buffers ORT reads and writes. Steps are ragged and paged exactly as for the DJL engine, with the
 * same {@link HostKvCache}, so the scheduler cannot tell the engines apart.
 */
public final class OnnxEngine extends HostKvEngine {
    private final OrtEnvironment env;
    private final DecoderSessions sessions;
    private final AttentionKernels kernels;
    private final RotaryTable rotary;
    private final StepTensors.Buffers buffers;
    private final float attentionScale;

    OnnxEngine(OrtEnvironment env, ModelInfo info, DecoderSessions sessions, AttentionKernels kernels) {
        super(info, kernels);
        this.env = env;
        this.sessions = sessions;
        this.kernels = kernels;
        this.rotary = RotaryTable.of(config);
        this.buffers = new StepTensors.Buffers(config);
        this.attentionScale = attention.scale();
    }

    @Override
    public Logits forward(StepBatch batch, KvCache cache) {
        HostKvCache kv = attention.checkStep(batch, cache, "ONNX CPU engine");
        int rows = batch.logitRows().length;
        try (StepTensors st = buffers.forStep(env, batch.numTokens(), rows)) {
            fillInputs(batch);
            DecoderSessions.run(sessions.embedding(), Map.of(IDS, st.ids), Map.of(X, st.hidden[0]));
            AttentionBatch ragged = batch.attention();
            int current = 0;
            for (int l = 0; l < config.numLayers(); l++) {
                layer(l, st, kv.layer(l), batch, ragged, current);
                current = 1 - current;
            }
            if (rows == 0) {
                return new Logits(0, config.vocabSize(), new float[0]);
            }
            DecoderSessions.run(sessions.head(), Map.of(X, st.hidden[current], ROWS, st.rows),
                    Map.of(LOGITS, st.logits));
            float[] out = new float[rows * config.vocabSize()];
            st.logitValues.get(0, out);
            return new Logits(rows, config.vocabSize(), out);
        }
    }

    /** One decoder layer: hidden[current] in, hidden[1 - current] out. */
    private void layer(int l, StepTensors st, KvLayer cache, StepBatch batch, AttentionBatch ragged, int current) {
        DecoderSessions.run(sessions.attentionInput(l), Map.of(X, st.hidden[current], COS, st.cos, SIN, st.sin),
                Map.of(Q, st.q, K, st.k, V, st.v));
        kernels.writeKv(cache, st.kMemory, st.vMemory, batch.slotMapping());
        kernels.pagedAttention(cache, ragged, st.qMemory, st.attnMemory, attentionScale);
        DecoderSessions.run(sessions.attentionOutput(l), Map.of(X, st.hidden[current], ATTN, st.attn),
                Map.of(Y, st.hidden[1 - current]));
    }

    /** Token ids, each token's rotary cos/sin row, and the logit rows, into the step's direct buffers. */
    private void fillInputs(StepBatch batch) {
        int half = rotary.half();
        int[] tokens = batch.tokenIds();
        int[] positions = batch.positions();
        for (int t = 0; t < tokens.length; t++) {
            buffers.ids.put(t, tokens[t]);
            buffers.cos.put(t * half, rotary.cos(), positions[t] * half, half);
            buffers.sin.put(t * half, rotary.sin(), positions[t] * half, half);
        }
        int[] rows = batch.logitRows();
        for (int r = 0; r < rows.length; r++) {
            buffers.rows.put(r, rows[r]);
        }
    }

    @Override
    public void close() {
        try {
            sessions.close();
        } finally {
            attention.close();
        }
    }
}
