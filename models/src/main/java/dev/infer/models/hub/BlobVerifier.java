package dev.infer.models.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Checks a downloaded file against its ETag where the hub defines the ETag as a content hash: LFS files
 * ({@code X-Linked-Etag}) carry their SHA-256, plain git files carry their git blob SHA-1. A mismatch means a
 * corrupt or tampered transfer, so the bytes must not enter the cache. Other ETags are left unchecked.
 */
final class BlobVerifier {
    private BlobVerifier() {
    }

    static void verify(Path file, HubClient.FileMetadata meta) throws IOException {
        String expected = meta.etag().toLowerCase(Locale.ROOT);
        String actual;
        if (meta.linked() && expected.matches("[0-9a-f]{64}")) {
            actual = digest(file, "SHA-256", null);
        } else if (!meta.linked() && expected.matches("[0-9a-f]{40}")) {
            long size = Files.size(file);
            actual = digest(file, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        } else {
            return;
        }
        if (!actual.equals(expected)) {
            throw new HubException(meta.file() + ": downloaded content does not match its hash (expected "
                    + expected + ", got " + actual + "); the download was corrupted and has been discarded");
        }
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (prefix != null) {
            md.update(prefix);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) >= 0) {
                md.update(buf.flip());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
