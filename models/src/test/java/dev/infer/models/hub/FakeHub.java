package dev.infer.models.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Hugging Face Hub on 127.0.0.1 that behaves like the real one where our client depends on it:
 * {@code /api/models/{repo}/revision/{rev}}, HEAD/GET {@code /{repo}/resolve/{rev}/{file}} with
 * {@code X-Repo-Commit} and {@code ETag} (git blob SHA-1) for plain files, and for LFS files (*.safetensors) a
 * 302 to {@code /cdn/{sha256}} with {@code X-Linked-Etag} / {@code X-Linked-Size}; the CDN honours Range.
 * It records every request and can misbehave on demand.
 */
final class FakeHub implements AutoCloseable {
    private static final Pattern API = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/(.+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern CDN = Pattern.compile("/cdn/([0-9a-f]{64})");

    record Request(String method, String path, String range, String authorization) {
    }

    record Repo(String id, String commit, Map<String, byte[]> files, String token, Map<String, String> tags) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobsBySha256 = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> brokenOnce = ConcurrentHashMap.newKeySet();
    private final Set<String> stalledOnce = ConcurrentHashMap.newKeySet();

    /** When >= 0: the first CDN transfer of each blob stops after this many bytes and drops the connection. */
    volatile long breakFirstTransferAfter = -1;
    /** When true, the first CDN transfer of each blob sends a few bytes and then goes silent for a long time. */
    volatile boolean stallFirstTransfer;
    volatile boolean ignoreRange;
    volatile boolean corruptCdn;
    /** Host the LFS redirect points to; "localhost" makes it a different origin than 127.0.0.1. */
    volatile String cdnHost = "127.0.0.1";

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int port() {
        return server.getAddress().getPort();
    }

    Repo addRepo(String id, String commit, Map<String, byte[]> files, String token) {
        Repo repo = new Repo(id, commit, new LinkedHashMap<>(files), token, new ConcurrentHashMap<>());
        files.forEach((name, bytes) -> {
            if (isLfs(name)) {
                blobsBySha256.put(sha256(bytes), bytes);
            }
        });
        repos.put(id, repo);
        return repo;
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    List<Request> requests(String pathPrefix) {
        return requests().stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    static boolean isLfs(String file) {
        return file.endsWith(".safetensors") || file.endsWith(".bin") || file.endsWith(".onnx");
    }

    static String sha256(byte[] bytes) {
        return hex("SHA-256", bytes, new byte[0]);
    }

    static String gitSha1(byte[] bytes) {
        return hex("SHA-1", bytes, ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static String hex(String algorithm, byte[] bytes, byte[] prefix) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            md.update(prefix);
            return HexFormat.of().formatHex(md.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        requests.add(new Request(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Range"),
                ex.getRequestHeaders().getFirst("Authorization")));
        try (ex) {
            Matcher m;
            if ((m = API.matcher(path)).matches()) {
                api(ex, m.group(1), decode(m.group(2)));
            } else if ((m = CDN.matcher(path)).matches()) {
                cdn(ex, m.group(1));
            } else if ((m = RESOLVE.matcher(path)).matches()) {
                resolve(ex, m.group(1), decode(m.group(2)), decode(m.group(3)));
            } else {
                send(ex, 404, Map.of(), new byte[0]);
            }
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Unknown or unauthorized repos get 401, as on the real hub, which hides whether a private repo exists. */
    private Repo authorized(HttpExchange ex, String id) throws IOException {
        Repo repo = repos.get(id);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (repo != null && (repo.token() == null || ("Bearer " + repo.token()).equals(auth))) {
            return repo;
        }
        if (repo == null && auth == null) {
            send(ex, 404, Map.of("X-Error-Code", "RepoNotFound"), "{\"error\":\"Repository not found\"}".getBytes());
        } else {
            send(ex, 401, Map.of("X-Error-Code", "RepoNotFound", "X-Error-Message", "Invalid credentials in Authorization header"),
                    new byte[0]);
        }
        return null;
    }

    private String commitFor(Repo repo, String revision) {
        if (revision.equals("main") || revision.equals(repo.commit())) {
            return repo.commit();
        }
        if (repo.tags().containsValue(revision)) {
            return revision;
        }
        return repo.tags().get(revision);
    }

    private void api(HttpExchange ex, String id, String revision) throws IOException {
        Repo repo = authorized(ex, id);
        if (repo == null) {
            return;
        }
        String commit = commitFor(repo, revision);
        if (commit == null) {
            send(ex, 404, Map.of("X-Error-Code", "RevisionNotFound"), new byte[0]);
            return;
        }
        ObjectNode root = new ObjectMapper().createObjectNode().put("id", id).put("sha", commit);
        var siblings = root.putArray("siblings");
        repo.files().keySet().forEach(f -> siblings.addObject().put("rfilename", f));
        send(ex, 200, Map.of("Content-Type", "application/json"), root.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void resolve(HttpExchange ex, String id, String revision, String file) throws IOException {
        Repo repo = authorized(ex, id);
        if (repo == null) {
            return;
        }
        String commit = commitFor(repo, revision);
        byte[] bytes = repo.files().get(file);
        if (commit == null || bytes == null) {
            send(ex, 404, Map.of("X-Error-Code", commit == null ? "RevisionNotFound" : "EntryNotFound"), new byte[0]);
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Repo-Commit", commit);
        if (isLfs(file)) {
            String sha = sha256(bytes);
            headers.put("ETag", "\"" + gitSha1(("pointer " + sha).getBytes()) + "\"");
            headers.put("X-Linked-Etag", "\"" + sha + "\"");
            headers.put("X-Linked-Size", Long.toString(bytes.length));
            headers.put("Location", "http://" + cdnHost + ":" + port() + "/cdn/" + sha);
            send(ex, 302, headers, new byte[0]);
        } else {
            // Weak form on one file, to exercise the normalization huggingface_hub applies.
            String etag = "\"" + gitSha1(bytes) + "\"";
            headers.put("ETag", file.equals("tokenizer.json") ? "W/" + etag : etag);
            send(ex, 200, headers, bytes);
        }
    }

    private void cdn(HttpExchange ex, String sha) throws IOException {
        byte[] bytes = blobsBySha256.get(sha);
        if (bytes == null) {
            send(ex, 404, Map.of(), new byte[0]);
            return;
        }
        if (corruptCdn) {
            bytes = bytes.clone();
            bytes[bytes.length / 2] ^= 1;
        }
        long start = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && !ignoreRange) {
            Matcher m = Pattern.compile("bytes=(\\d+)-").matcher(range);
            if (!m.matches()) {
                send(ex, 400, Map.of(), new byte[0]);
                return;
            }
            start = Long.parseLong(m.group(1));
            if (start >= bytes.length) {
                send(ex, 416, Map.of("Content-Range", "bytes */" + bytes.length), new byte[0]);
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        int status = start > 0 || (range != null && !ignoreRange) ? 206 : 200;
        int from = (int) start;
        long breakAfter = breakFirstTransferAfter;
        if (breakAfter >= 0 && brokenOnce.add(sha)) {
            ex.sendResponseHeaders(status, bytes.length - from);
            OutputStream out = ex.getResponseBody();
            out.write(bytes, from, (int) Math.min(breakAfter, bytes.length - from));
            out.flush();
            dropConnection(ex);
            return;
        }
        if (stallFirstTransfer && stalledOnce.add(sha)) {
            ex.sendResponseHeaders(status, bytes.length - from);
            ex.getResponseBody().write(bytes, from, 1000);
            ex.getResponseBody().flush();
            sleep(30_000);
            dropConnection(ex);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length - from);
        ex.getResponseBody().write(bytes, from, bytes.length - from);
    }

    /**
     * Drops the TCP connection mid-body: an exception escaping the handler makes the JDK server close the
     * connection (closing a short fixed-length body alone would leave it open, and the client waiting).
     */
    private static void dropConnection(HttpExchange ex) throws IOException {
        throw new IOException("fake hub: dropping the connection on purpose");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        boolean noBody = ex.getRequestMethod().equals("HEAD") || body.length == 0;
        ex.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
