package dev.infer.engines.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infer.models.onnx.DecoderModelFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session per decoder segment (embedding, each layer's attention input and output, head),
 * all sharing one thread count. Runs a segment with its outputs written into the caller's tensors.
 */
final class DecoderSessions implements AutoCloseable {
    private final OrtSession embedding;
    private final List<OrtSession> attentionInput = new ArrayList<>();
    private final List<OrtSession> attentionOutput = new ArrayList<>();
    private final OrtSession head;
    private final List<OrtSession> all = new ArrayList<>();

    DecoderSessions(OrtEnvironment env, DecoderModelFiles files, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = options(threads)) {
            embedding = open(env, files.embedding(), options);
            for (int l = 0; l < files.numLayers(); l++) {
                attentionInput.add(open(env, files.attentionInput(l), options));
                attentionOutput.add(open(env, files.attentionOutput(l), options));
            }
            head = open(env, files.head(), options);
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Sequential execution on {@code threads} intra-op threads that sleep rather than spin between runs: the
     * attention kernels run on their own threads between segments, and spinning ORT workers would take
     * their cores. No CPU arena and no memory patterns: with one session per segment and a step size that
     * changes every step, each session's arena kept its largest step's intermediates for good (16.7 GiB RSS
     * on qwen2.5-0.5b after one 4 096-token step); without it they are freed when the run ends.
     */
    static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        o.setCPUArenaAllocator(false);
        o.setMemoryPatternOptimization(false);
        return o;
    }

    private OrtSession open(OrtEnvironment env, Path model, OrtSession.SessionOptions options) throws OrtException {
        OrtSession s = env.createSession(model.toString(), options);
        all.add(s);
        return s;
    }

    OrtSession embedding() {
        return embedding;
    }

    OrtSession attentionInput(int layer) {
        return attentionInput.get(layer);
    }

    OrtSession attentionOutput(int layer) {
        return attentionOutput.get(layer);
    }

    OrtSession head() {
        return head;
    }

    /** Runs {@code session}; ORT writes the outputs into {@code pinned} (the caller's memory), nothing is returned. */
    static void run(OrtSession session, Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> pinned) {
        try (OrtSession.Result ignored = session.run(inputs, pinned)) {
            // The result only refers to the pinned outputs, which the caller owns.
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed running a decoder segment", e);
        }
    }

    @Override
    public void close() {
        IllegalStateException failure = null;
        for (OrtSession s : all) {
            try {
                s.close();
            } catch (OrtException e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing ONNX Runtime sessions", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        all.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
