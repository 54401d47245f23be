package dev.infer.models.onnx;

import dev.infer.models.config.ModelConfig;
import dev.infer.models.weights.Tensor;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * SHA-256 of everything the exported model depends on: the writer's format version, the config, the
 * precision rounding, and every exported tensor's name, dtype, shape and bytes. Content, not paths or
 * timestamps, so a re-downloaded checkpoint hits the cache and an edited one never does.
 */
final class CheckpointHash {
    /** Bump when the graphs or the weight layout change, so stale caches are not reused. */
    static final String FORMAT = "decoder-graphs-v2";
    private static final long CHUNK = 1L << 28;

    private CheckpointHash() {
    }

    static String of(ModelConfig config, WeightPlan plan, WeightFormat format) {
        MessageDigest sha = sha256();
        text(sha, FORMAT + "|" + config + "|" + format);
        List<Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, WeightPlan.Entry> e : plan.entries().entrySet()) {
            text(sha, e.getKey() + Arrays.toString(e.getValue().dims()));
            for (Tensor t : e.getValue().parts()) {
                text(sha, t.name() + t.dtype() + Arrays.toString(t.shape()));
                tensors.add(t);
            }
        }
        // Each tensor's bytes on its own digest, in parallel (gigabytes of weights), then those digests in order.
        List<byte[]> contents = tensors.parallelStream().map(t -> {
            MessageDigest part = sha256();
            bytes(part, t.data());
            return part.digest();
        }).toList();
        contents.forEach(sha::update);
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static void text(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
    }

    /** In chunks: a ByteBuffer view cannot exceed 2 GiB. */
    private static void bytes(MessageDigest sha, MemorySegment data) {
        for (long off = 0; off < data.byteSize(); off += CHUNK) {
            sha.update(data.asSlice(off, Math.min(CHUNK, data.byteSize() - off)).asByteBuffer());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
