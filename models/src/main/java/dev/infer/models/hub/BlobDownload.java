package dev.infer.models.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one blob into {@code blobs/<etag>.incomplete} and, once complete and verified, renames it to
 * {@code blobs/<etag>}. Interrupted transfers — a dropped connection now, or a killed process earlier — resume
 * with {@code Range: bytes=N-}; a server that ignores the range (200) is handled by starting over.
 */
final class BlobDownload {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int BUFFER = 1 << 20;

    private final HubClient client;
    private final HubSettings settings;
    private final ProgressListener listener;

    BlobDownload(HubClient client, ProgressListener listener) {
        this.client = client;
        this.settings = client.settings();
        this.listener = listener;
    }

    void fetch(RepoId repo, HubClient.FileMetadata meta, Path incomplete, Path blob) throws IOException {
        Files.createDirectories(incomplete.getParent());
        for (int attempt = 1; ; attempt++) {
            try {
                transfer(repo, meta, incomplete);
                break;
            } catch (IOException | HubException e) {
                HubException failure = e instanceof HubException h ? h
                        : new HubException(meta.file() + ": transfer failed (" + e.getMessage() + ")", e, true);
                if (!failure.retryable()) {
                    throw failure;
                }
                if (attempt >= settings.maxAttempts()) {
                    long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
                    throw new HubException(failure.getMessage() + "; gave up after " + attempt + " attempts (run "
                            + "again to resume from byte " + have + ")", failure);
                }
                listener.note(meta.file() + ": " + failure.getMessage() + "; retrying (attempt " + (attempt + 1)
                        + " of " + settings.maxAttempts() + ")");
                Retry.sleep(Retry.backoff(settings, attempt));
            }
        }
        long size = Files.size(incomplete);
        if (meta.size() >= 0 && size != meta.size()) {
            Files.delete(incomplete);
            throw new HubException(meta.file() + ": downloaded " + size + " bytes but the hub announced "
                    + meta.size() + "; discarded, please retry");
        }
        try {
            BlobVerifier.verify(incomplete, meta);
        } catch (HubException e) {
            Files.delete(incomplete);
            throw e;
        }
        Files.move(incomplete, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One request; returns when the file is complete, throws (retryably) when the transfer breaks off. */
    private void transfer(RepoId repo, HubClient.FileMetadata meta, Path incomplete) throws IOException {
        long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
        if (meta.size() >= 0 && have > meta.size()) {
            have = truncate(incomplete, 0);
        }
        if (meta.size() >= 0 && have == meta.size() && have > 0) {
            return; // an earlier run got every byte but died before the rename
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("Accept-Encoding", "identity");
        if (have > 0) {
            headers.put("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> r = client.get(meta.location(), headers);
        try (InputStream body = new StallGuard(r.body(), settings.idleTimeout())) {
            long total;
            switch (r.statusCode()) {
                case 200 -> {
                    have = truncate(incomplete, 0);
                    total = r.headers().firstValueAsLong("Content-Length").orElse(meta.size());
                }
                case 206 -> {
                    Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                    if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                        truncate(incomplete, 0);
                        throw new IOException("server resumed at the wrong offset (" + r.headers()
                                .firstValue("Content-Range").orElse("no Content-Range") + ", wanted " + have + ")");
                    }
                    total = m.group(3).equals("*") ? meta.size() : Long.parseLong(m.group(3));
                }
                case 416 -> {
                    // Our partial file is not a prefix the server recognizes: start over.
                    truncate(incomplete, 0);
                    throw new IOException("server rejected resuming at byte " + have);
                }
                default -> throw HubErrors.forStatus(r, repo, meta.file(), settings);
            }
            long expectedBody = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            listener.fileStarted(meta.file(), total, have);
            long received = copy(body, incomplete, have, meta.file(), total);
            if (expectedBody >= 0 && received != expectedBody) {
                throw new IOException("connection closed after " + received + " of " + expectedBody + " bytes");
            }
            listener.fileFinished(meta.file(), have + received);
        }
    }

    private long copy(InputStream body, Path incomplete, long have, String file, long total) throws IOException {
        byte[] buf = new byte[BUFFER];
        long received = 0;
        try (FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.position(have);
            int n;
            while ((n = body.read(buf)) >= 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                received += n;
                listener.bytes(file, have + received, total);
            }
            out.force(false);
        }
        return received;
    }

    private static long truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
        return size;
    }
}
