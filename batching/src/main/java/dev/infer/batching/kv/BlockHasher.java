package dev.infer.batching.kv;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Computes chained {@link BlockHash}es. Reuses one digest and scratch buffers, so it is not thread-safe (like
 * the manager that owns it).
 *
 * <p>The hashed byte string is {@code parent.hi, parent.lo (16 bytes) | extra key (length-prefixed, see
 * {@link #encodeExtraKey}) | blockSize token ids (4 bytes each, big-endian)}; every field has a fixed or prefixed
 * length, so two different inputs never produce the same byte string.
 */
final class BlockHasher {
    private final int blockSize;
    private final MessageDigest sha256;
    private final byte[] scratch;
    private final byte[] digest = new byte[32];

    BlockHasher(int blockSize) {
        this.blockSize = blockSize;
        this.scratch = new byte[Math.max(16, 4 * blockSize)];
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /**
     * Encodes what, besides the tokens, changes a block's K/V (a model or LoRA adapter id, a cache salt):
     * 4-byte length + UTF-8; {@code null} means "none" and encodes as length -1, distinct from "".
     */
    static byte[] encodeExtraKey(String extraKey) {
        byte[] utf8 = extraKey == null ? new byte[0] : extraKey.getBytes(StandardCharsets.UTF_8);
        int len = extraKey == null ? -1 : utf8.length;
        byte[] out = new byte[4 + utf8.length];
        putInt(out, 0, len);
        System.arraycopy(utf8, 0, out, 4, utf8.length);
        return out;
    }

    /** Hash of the full block {@code tokens[from, from + blockSize)} whose predecessor hashed to {@code parent}. */
    BlockHash hash(BlockHash parent, byte[] encodedExtraKey, int[] tokens, int from) {
        putLong(scratch, 0, parent.hi());
        putLong(scratch, 8, parent.lo());
        sha256.update(scratch, 0, 16);
        sha256.update(encodedExtraKey);
        for (int i = 0; i < blockSize; i++) {
            putInt(scratch, 4 * i, tokens[from + i]);
        }
        sha256.update(scratch, 0, 4 * blockSize);
        try {
            sha256.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return new BlockHash(getLong(digest, 0), getLong(digest, 8));
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}
