package dev.infer.engines.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.infer.models.config.ModelConfig;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensors one step passes between segments and kernels, as ONNX Runtime tensors over direct buffers (no
 * copies: ORT reads and writes the buffers, and the attention kernels see the same memory as segments).
 * The buffers are kept across steps and grow to the largest step; the tensor objects are per step, because
 * their shapes carry the step's token count. Two hidden-state tensors alternate as layer input and output.
 */
final class StepTensors implements AutoCloseable {
    final OnnxTensor ids;
    final OnnxTensor cos;
    final OnnxTensor sin;
    final OnnxTensor[] hidden;
    final OnnxTensor q;
    final OnnxTensor k;
    final OnnxTensor v;
    final OnnxTensor attn;
    final OnnxTensor rows;
    final OnnxTensor logits;
    /** The same memory as q, k, v and attn, for the attention kernels. */
    final MemorySegment qMemory;
    final MemorySegment kMemory;
    final MemorySegment vMemory;
    final MemorySegment attnMemory;
    /** Where ONNX Runtime writes the logits. */
    final FloatBuffer logitValues;
    private final List<OnnxTensor> created = new ArrayList<>();

    private StepTensors(OrtEnvironment env, Buffers b, ModelConfig c, int t, int r) throws OrtException {
        long half = c.headDim() / 2;
        ids = add(OnnxTensor.createTensor(env, b.ids.slice(0, t), new long[]{t}));
        cos = add(OnnxTensor.createTensor(env, b.cos.slice(0, t * (int) half), new long[]{t, half}));
        sin = add(OnnxTensor.createTensor(env, b.sin.slice(0, t * (int) half), new long[]{t, half}));
        hidden = new OnnxTensor[]{floats(env, b.hidden0, t, c.hiddenSize()), floats(env, b.hidden1, t, c.hiddenSize())};
        q = floats(env, b.q, t, c.qSize());
        k = floats(env, b.k, t, c.kvSize());
        v = floats(env, b.v, t, c.kvSize());
        attn = floats(env, b.attn, t, c.qSize());
        rows = add(OnnxTensor.createTensor(env, b.rows.slice(0, r), new long[]{r}));
        logits = floats(env, b.logits, r, c.vocabSize());
        qMemory = MemorySegment.ofBuffer(b.q.slice(0, t * c.qSize()));
        kMemory = MemorySegment.ofBuffer(b.k.slice(0, t * c.kvSize()));
        vMemory = MemorySegment.ofBuffer(b.v.slice(0, t * c.kvSize()));
        attnMemory = MemorySegment.ofBuffer(b.attn.slice(0, t * c.qSize()));
        logitValues = b.logits.slice(0, r * c.vocabSize());
    }

    private OnnxTensor floats(OrtEnvironment env, FloatBuffer buffer, int rowsCount, int width) throws OrtException {
        return add(OnnxTensor.createTensor(env, buffer.slice(0, rowsCount * width), new long[]{rowsCount, width}));
    }

    private OnnxTensor add(OnnxTensor tensor) {
        created.add(tensor);
        return tensor;
    }

    @Override
    public void close() {
        created.forEach(OnnxTensor::close);
    }

    /** The direct buffers behind the tensors, grown on demand (capacity doubles, so growth is rare). */
    static final class Buffers {
        private final ModelConfig c;
        private int tokenCapacity;
        private int rowCapacity;
        LongBuffer ids;
        FloatBuffer cos;
        FloatBuffer sin;
        FloatBuffer hidden0;
        FloatBuffer hidden1;
        FloatBuffer q;
        FloatBuffer k;
        FloatBuffer v;
        FloatBuffer attn;
        LongBuffer rows;
        FloatBuffer logits;

        Buffers(ModelConfig config) {
            this.c = config;
        }

        StepTensors forStep(OrtEnvironment env, int tokens, int logitRows) {
            ensure(tokens, Math.max(1, logitRows));
            try {
                return new StepTensors(env, this, c, tokens, logitRows);
            } catch (OrtException e) {
                throw new IllegalStateException("creating ONNX Runtime tensors over the step buffers", e);
            }
        }

        private void ensure(int tokens, int logitRows) {
            if (tokens > tokenCapacity) {
                tokenCapacity = Math.max(tokens, 2 * tokenCapacity);
                int t = tokenCapacity;
                ids = direct((long) t * Long.BYTES).asLongBuffer();
                cos = floats((long) t * (c.headDim() / 2));
                sin = floats((long) t * (c.headDim() / 2));
                hidden0 = floats((long) t * c.hiddenSize());
                hidden1 = floats((long) t * c.hiddenSize());
                q = floats((long) t * c.qSize());
                k = floats((long) t * c.kvSize());
                v = floats((long) t * c.kvSize());
                attn = floats((long) t * c.qSize());
            }
            if (logitRows > rowCapacity) {
                rowCapacity = Math.max(logitRows, 2 * rowCapacity);
                rows = direct((long) rowCapacity * Long.BYTES).asLongBuffer();
                logits = floats((long) rowCapacity * c.vocabSize());
            }
        }

        private static FloatBuffer floats(long count) {
            return direct(count * Float.BYTES).asFloatBuffer();
        }

        private static ByteBuffer direct(long bytes) {
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("step buffer of " + bytes + " bytes exceeds 2 GiB; use smaller steps");
            }
            return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        }
    }
}
