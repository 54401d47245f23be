package dev.infer.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The few Hugging Face Hub HTTP calls a download needs, with the hub's conventions: repo info from
 * {@code /api/models/{repo}/revision/{rev}}, file metadata from a HEAD on {@code /{repo}/resolve/{commit}/{file}}
 * ({@code X-Repo-Commit}, {@code X-Linked-Etag}/{@code ETag}, {@code X-Linked-Size}, a redirect to the CDN for
 * large files), and GETs that follow redirects by hand so the token is never sent to another host.
 */
public final class HubClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "inference-server/0.1; java/" + Runtime.version().feature();

    /** What a revision holds: its commit hash and every file path in it. */
    public record RepoInfo(String commit, List<String> files) {
        public RepoInfo {
            files = List.copyOf(files);
        }
    }

    /**
     * A file's identity at a commit. {@code etag} names its blob; {@code linked} means it is stored with LFS
     * (then the etag is the SHA-256 of the content); {@code size} is -1 when the hub did not say.
     */
    public record FileMetadata(String file, String commit, String etag, boolean linked, long size, URI location) {
    }

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        // Redirects are followed by hand (see send); HTTP/1.1 avoids an h2c upgrade dance with plain-http mirrors.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(settings.requestTimeout()).build();
    }

    HubSettings settings() {
        return settings;
    }

    public RepoInfo repoInfo(RepoId repo) {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repo.id() + "/revision/" + encode(repo.revision()));
        return Retry.run(settings, "list " + repo, () -> {
            HttpResponse<InputStream> r = send("GET", uri, Map.of("Accept", "application/json"));
            try (InputStream body = new StallGuard(r.body(), settings.idleTimeout())) {
                if (r.statusCode() != 200) {
                    throw HubErrors.forStatus(r, repo, null, settings);
                }
                JsonNode root = JSON.readTree(body.readNBytes(64 << 20));
                String sha = root.path("sha").asText(null);
                if (sha == null || !RepoId.isCommit(sha)) {
                    throw new HubException(uri + ": response has no commit sha");
                }
                List<String> files = new ArrayList<>();
                root.path("siblings").forEach(s -> files.add(s.path("rfilename").asText()));
                return new RepoInfo(sha, files);
            }
        });
    }

    public FileMetadata fileMetadata(RepoId repo, String commit, String file) {
        URI uri = resolveUri(repo, commit, file);
        return Retry.run(settings, "look up " + file + " in " + repo, () -> {
            URI current = uri;
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                HttpResponse<InputStream> r = send("HEAD", current, Map.of("Accept-Encoding", "identity"));
                r.body().close();
                int status = r.statusCode();
                var h = r.headers();
                Optional<String> location = h.firstValue("Location").map(current::resolve).map(URI::toString);
                Optional<String> linkedEtag = h.firstValue("X-Linked-Etag");
                Optional<String> etag = linkedEtag.or(() -> h.firstValue("ETag"));
                // A redirect without file headers is a renamed repo (relative, same host): follow it for metadata.
                if (status >= 300 && status < 400 && etag.isEmpty() && location.isPresent()) {
                    current = URI.create(location.get());
                    continue;
                }
                if (status != 200 && (status < 300 || status >= 400)) {
                    throw HubErrors.forStatus(r, repo, file, settings);
                }
                String tag = normalizeEtag(etag.orElseThrow(() -> new HubException(
                        uri + ": the hub sent no ETag; is HF_ENDPOINT (" + settings.endpoint() + ") a Hugging Face hub?")));
                String fileCommit = h.firstValue("X-Repo-Commit").orElse(commit);
                long size = h.firstValueAsLong("X-Linked-Size").orElse(-1);
                URI target = location.map(URI::create).orElse(current);
                return new FileMetadata(file, fileCommit, tag, linkedEtag.isPresent(), size, target);
            }
            throw new HubException(uri + ": more than " + MAX_REDIRECTS + " redirects");
        });
    }

    /**
     * GET with redirects followed by hand: {@code Authorization} goes only to the endpoint's own origin, never to
     * the CDN a large file redirects to. Returns the final response, body unread.
     */
    HttpResponse<InputStream> get(URI uri, Map<String, String> headers) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> r = send("GET", current, headers);
            int status = r.statusCode();
            Optional<String> location = r.headers().firstValue("Location");
            if (status >= 300 && status < 400 && location.isPresent()) {
                r.body().close();
                current = current.resolve(location.get());
                continue;
            }
            return r;
        }
        throw new IOException(uri + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private HttpResponse<InputStream> send(String method, URI uri, Map<String, String> headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.requestTimeout())
                .method(method, HttpRequest.BodyPublishers.noBody()).header("User-Agent", USER_AGENT);
        headers.forEach(b::header);
        if (settings.token() != null && sameOrigin(uri, settings.endpoint())) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    URI resolveUri(RepoId repo, String commit, String file) {
        StringBuilder path = new StringBuilder();
        for (String segment : file.split("/")) {
            path.append('/').append(encode(segment));
        }
        return URI.create(settings.endpoint() + "/" + repo.id() + "/resolve/" + encode(commit) + path);
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme())) && Objects.equals(lower(a.getHost()),
                lower(b.getHost())) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /** huggingface_hub's ETag normalization: drop a weak {@code W/} prefix and the quotes. */
    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        // The etag becomes a file name in the cache; a hostile or broken server must not pick the path.
        if (!e.matches("[A-Za-z0-9._-]{1,128}") || e.startsWith(".")) {
            throw new HubException("the hub sent an ETag that is not a plain hash: " + etag);
        }
        return e;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        // shutdownNow, not close: close() waits for every exchange, and a stuck one must not hang the caller.
        http.shutdownNow();
    }
}
