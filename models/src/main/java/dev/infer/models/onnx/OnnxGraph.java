package dev.infer.models.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds one ONNX model (a single graph) and encodes it as {@code ModelProto} bytes. Only what our decoder
 * segments need: typed inputs and outputs with symbolic dims, nodes with int / float / ints attributes,
 * small int64 constants inline and fp32 weights as external data.
 *
 * <p>Field numbers are those of the public {@code onnx.proto} (IR version 8, default opset domain).
 */
public final class OnnxGraph {
    /** The tensor element types we use, with their {@code TensorProto.DataType} numbers. */
    public enum ElemType {
        FLOAT(1), UINT8(2), INT64(7), BOOL(9);

        final int code;

        ElemType(int code) {
            this.code = code;
        }
    }

    /** Where an initializer's raw little-endian bytes are, relative to the model file's folder. */
    public record ExternalData(String location, long offset, long length) {
    }

    /** One node attribute ({@code AttributeProto}); type numbers: FLOAT 1, INT 2, INTS 7. */
    public record Attribute(String name, ProtoMessage proto) {
        public static Attribute of(String name, long value) {
            return new Attribute(name, new ProtoMessage().string(1, name).int32(20, 2).int64(3, value));
        }

        public static Attribute of(String name, float value) {
            return new Attribute(name, new ProtoMessage().string(1, name).int32(20, 1).float32(2, value));
        }

        public static Attribute ints(String name, long... values) {
            return new Attribute(name, new ProtoMessage().string(1, name).int32(20, 7).int64s(8, values));
        }
    }

    static final long IR_VERSION = 8;

    private final String name;
    private final List<ProtoMessage> nodes = new ArrayList<>();
    private final List<ProtoMessage> inputs = new ArrayList<>();
    private final List<ProtoMessage> outputs = new ArrayList<>();
    private final List<ProtoMessage> initializers = new ArrayList<>();
    private final Set<String> domains = new TreeSet<>();
    private int nextId;

    public OnnxGraph(String name) {
        this.name = name;
    }

    /** Declares a graph input; a dim is a {@code Number} (fixed) or a {@code String} (symbolic, e.g. "T"). */
    public String input(String inputName, ElemType type, Object... dims) {
        inputs.add(valueInfo(inputName, type, dims));
        return inputName;
    }

    public void output(String outputName, ElemType type, Object... dims) {
        outputs.add(valueInfo(outputName, type, dims));
    }

    /** An fp32 initializer whose values live in an external file. */
    public String externalInitializer(String tensorName, long[] dims, ExternalData data) {
        return externalInitializer(tensorName, ElemType.FLOAT, dims, data);
    }

    /** An initializer of {@code type} whose values live in an external file. */
    public String externalInitializer(String tensorName, ElemType type, long[] dims, ExternalData data) {
        ProtoMessage t = new ProtoMessage().int64s(1, dims).int32(2, type.code).string(8, tensorName)
                .message(13, entry("location", data.location()))
                .message(13, entry("offset", Long.toString(data.offset())))
                .message(13, entry("length", Long.toString(data.length())))
                .int32(14, 1);
        initializers.add(t);
        return tensorName;
    }

    /** A small int64 vector (shapes, axes, split sizes) stored inline as raw data. */
    public String int64Constant(String hint, long... values) {
        String tensorName = fresh(hint);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        initializers.add(new ProtoMessage().int64(1, values.length).int32(2, ElemType.INT64.code)
                .string(8, tensorName).bytes(9, raw.array()));
        return tensorName;
    }

    /** An int64 scalar (rank 0), as Range and Gather-to-scalar need. */
    public String int64Scalar(String hint, long value) {
        String tensorName = fresh(hint);
        ByteBuffer raw = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        initializers.add(new ProtoMessage().int32(2, ElemType.INT64.code).string(8, tensorName).bytes(9, raw.array()));
        return tensorName;
    }

    /** A small fp32 tensor stored inline as raw data (e.g. a rotary table). */
    public String floatConstant(String hint, long[] dims, float[] values) {
        String tensorName = fresh(hint);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        initializers.add(new ProtoMessage().int64s(1, dims).int32(2, ElemType.FLOAT.code).string(8, tensorName)
                .bytes(9, raw.array()));
        return tensorName;
    }

    /** A node with one output, named after the op; returns that name. */
    public String node(String op, List<String> in, Attribute... attributes) {
        return node(op, in, 1, attributes).getFirst();
    }

    /** A node with {@code count} fresh outputs; returns their names. */
    public List<String> node(String op, List<String> in, int count, Attribute... attributes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(fresh(op));
        }
        nodeTo(op, in, out, attributes);
        return out;
    }

    /** A node whose outputs have the given names (graph outputs need theirs). */
    public void nodeTo(String op, List<String> in, List<String> out, Attribute... attributes) {
        nodeTo("", op, in, out, attributes);
    }

    /** A node of an operator set other than the default one, e.g. {@code com.microsoft}'s MatMulNBits. */
    public String domainNode(String domain, String op, List<String> in, Attribute... attributes) {
        String out = fresh(op);
        nodeTo(domain, op, in, List.of(out), attributes);
        return out;
    }

    private void nodeTo(String domain, String op, List<String> in, List<String> out, Attribute... attributes) {
        if (!domain.isEmpty()) {
            domains.add(domain);
        }
        ProtoMessage n = new ProtoMessage();
        in.forEach(i -> n.string(1, i));
        out.forEach(o -> n.string(2, o));
        n.string(3, fresh(op + "_node")).string(4, op);
        for (Attribute a : attributes) {
            n.message(5, a.proto());
        }
        if (!domain.isEmpty()) {
            n.string(7, domain);
        }
        nodes.add(n);
    }

    /** The encoded {@code ModelProto}. */
    public byte[] toModel(long opset) {
        ProtoMessage graph = new ProtoMessage();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(i -> graph.message(5, i));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        ProtoMessage model = new ProtoMessage().int64(1, IR_VERSION).string(2, "inference-server").message(7, graph)
                .message(8, new ProtoMessage().string(1, "").int64(2, opset));
        // Contrib operator sets (com.microsoft) have a single version, 1.
        domains.forEach(d -> model.message(8, new ProtoMessage().string(1, d).int64(2, 1)));
        return model.toByteArray();
    }

    private String fresh(String hint) {
        return hint + "_" + nextId++;
    }

    private static ProtoMessage entry(String key, String value) {
        return new ProtoMessage().string(1, key).string(2, value);
    }

    /** {@code ValueInfoProto { name, type: TypeProto { tensor_type { elem_type, shape { dim* } } } }}. */
    private static ProtoMessage valueInfo(String valueName, ElemType type, Object... dims) {
        ProtoMessage shape = new ProtoMessage();
        for (Object d : dims) {
            ProtoMessage dim = d instanceof Number n ? new ProtoMessage().int64(1, n.longValue())
                    : new ProtoMessage().string(2, d.toString());
            shape.message(1, dim);
        }
        ProtoMessage tensorType = new ProtoMessage().int32(1, type.code).message(2, shape);
        return new ProtoMessage().string(1, valueName).message(2, new ProtoMessage().message(1, tensorType));
    }
}
