package dev.infer.models.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.UnknownFieldSet;
import dev.infer.models.onnx.OnnxGraph.Attribute;
import dev.infer.models.onnx.OnnxGraph.ElemType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OnnxGraphTest {
    /** y = reshape(x @ W^T + b, [-1, 3]) with W [3, 2] in an external file at offset 8 (after 8 junk bytes). */
    private static byte[] linearModel() {
        OnnxGraph g = new OnnxGraph("linear");
        String x = g.input("x", ElemType.FLOAT, "T", 2);
        String w = g.externalInitializer("w", new long[]{3, 2}, new OnnxGraph.ExternalData("w.bin", 8, 24));
        String b = g.externalInitializer("b", new long[]{3}, new OnnxGraph.ExternalData("w.bin", 32, 12));
        String gemm = g.node("Gemm", List.of(x, w, b), Attribute.of("transB", 1L));
        g.nodeTo("Reshape", List.of(gemm, g.int64Constant("shape", -1, 3)), List.of("y"));
        g.output("y", ElemType.FLOAT, "T", 3);
        return g.toModel(17);
    }

    @Test
    void onnxRuntimeRunsTheWrittenGraphWithExternalWeights(@TempDir Path dir) throws IOException, OrtException {
        ByteBuffer weights = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        weights.putLong(-1L);
        for (float v : new float[]{1, 2, 3, 4, 5, 6, 0.5f, -1, 10}) {
            weights.putFloat(v);
        }
        Files.write(dir.resolve("w.bin"), weights.array());
        Files.write(dir.resolve("linear.onnx"), linearModel());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(dir.resolve("linear.onnx").toString(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[]{1, 1, 2, -1}), new long[]{2, 2});
             OrtSession.Result result = session.run(Map.of("x", x))) {
            float[][] y = (float[][]) result.get("y").orElseThrow().getValue();
            // Row 1: (1,1) -> (1+2+0.5, 3+4-1, 5+6+10); row 2: (2,-1) -> (0+0.5, 2-1, 4+10).
            assertThat(y[0]).containsExactly(new float[]{3.5f, 6, 21}, within(1e-6f));
            assertThat(y[1]).containsExactly(new float[]{0.5f, 1, 14}, within(1e-6f));
        }
    }

    @Test
    void encodesTheModelProtoFieldsOfOnnxProto() throws IOException {
        UnknownFieldSet model = UnknownFieldSet.parseFrom(linearModel());
        assertThat(model.getField(1).getVarintList()).containsExactly(OnnxGraph.IR_VERSION);
        UnknownFieldSet opset = UnknownFieldSet.parseFrom(model.getField(8).getLengthDelimitedList().getFirst());
        assertThat(opset.getField(2).getVarintList()).containsExactly(17L);
        UnknownFieldSet graph = UnknownFieldSet.parseFrom(model.getField(7).getLengthDelimitedList().getFirst());
        assertThat(graph.getField(1).getLengthDelimitedList()).hasSize(2);
        assertThat(graph.getField(5).getLengthDelimitedList()).as("w, b and the shape constant").hasSize(3);
        UnknownFieldSet w = UnknownFieldSet.parseFrom(graph.getField(5).getLengthDelimitedList().getFirst());
        assertThat(w.getField(1).getVarintList()).containsExactly(3L, 2L);
        assertThat(w.getField(14).getVarintList()).as("data_location EXTERNAL").containsExactly(1L);
        UnknownFieldSet gemm = UnknownFieldSet.parseFrom(graph.getField(1).getLengthDelimitedList().getFirst());
        assertThat(gemm.getField(4).getLengthDelimitedList().getFirst().toStringUtf8()).isEqualTo("Gemm");
    }
}
