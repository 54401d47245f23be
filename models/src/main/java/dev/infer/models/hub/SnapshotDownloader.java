package dev.infer.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings one revision of a model repository into the local Hugging Face cache and returns its snapshot folder.
 * Only what serving needs is fetched: configs, tokenizer files, chat template and safetensors weights (never
 * .bin/.pt/.gguf/ONNX copies); a sharded checkpoint gets exactly the shards its index names. Small files come
 * first and weights last, so a snapshot with its weights present is a finished one.
 *
 * <p>A revision whose snapshot is already complete is served from the cache with no network call at all.
 * The price: a branch that moved upstream is not refreshed until the snapshot is deleted or a new revision is
 * asked for — the right trade for a server that must start the same way every time.
 */
final class SnapshotDownloader {
    static final List<String> MODEL_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja");
    static final String SINGLE_WEIGHTS = "model.safetensors";
    static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    private static final Duration LOCK_STALL_LIMIT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubSettings settings;
    private final ProgressListener listener;

    SnapshotDownloader(HubSettings settings, ProgressListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    Path resolve(RepoId repo) {
        CachedRepo cache = new CachedRepo(settings.hubCache(), repo);
        if (settings.offline()) {
            return fromCacheOffline(cache, repo);
        }
        Optional<Path> cached = cachedSnapshot(cache, repo, true);
        if (cached.isPresent()) {
            return cached.get();
        }
        try (HubClient client = new HubClient(settings)) {
            HubClient.RepoInfo info;
            try {
                info = client.repoInfo(repo);
            } catch (HubException e) {
                Optional<Path> usable = e.retryable() ? cachedSnapshot(cache, repo, false) : Optional.empty();
                if (usable.isEmpty()) {
                    throw e;
                }
                listener.note(e.getMessage() + "; using the cached snapshot " + usable.get());
                return usable.get();
            }
            download(client, cache, repo, info);
            cache.writeRef(repo.revision(), info.commit());
            return cache.snapshot(info.commit());
        } catch (IOException e) {
            throw new HubException(repo + ": cannot write to the cache " + cache.dir() + ": " + e.getMessage(), e);
        }
    }

    private void download(HubClient client, CachedRepo cache, RepoId repo, HubClient.RepoInfo info) throws IOException {
        Set<String> available = new LinkedHashSet<>(info.files());
        if (!available.contains("config.json")) {
            throw new HubException(repo + " has no config.json: not a Transformers model repository");
        }
        for (String file : MODEL_FILES) {
            if (available.contains(file)) {
                fetch(client, cache, repo, info.commit(), file);
            }
        }
        List<String> weights;
        if (available.contains(WEIGHTS_INDEX)) {
            fetch(client, cache, repo, info.commit(), WEIGHTS_INDEX);
            weights = shards(cache.snapshot(info.commit()).resolve(WEIGHTS_INDEX));
            for (String shard : weights) {
                if (!available.contains(shard)) {
                    throw new HubException(repo + ": " + WEIGHTS_INDEX + " names " + shard
                            + ", which the repository does not have");
                }
            }
        } else if (available.contains(SINGLE_WEIGHTS)) {
            weights = List.of(SINGLE_WEIGHTS);
        } else {
            throw new HubException(repo + " has no safetensors weights (" + SINGLE_WEIGHTS + " or " + WEIGHTS_INDEX
                    + "); files: " + String.join(", ", available) + ". Only safetensors checkpoints are supported.");
        }
        for (String shard : weights) {
            fetch(client, cache, repo, info.commit(), shard);
        }
    }

    /** Brings one file into the snapshot: reuses a blob another revision already downloaded, else fetches it. */
    @SuppressWarnings("try") // the lock is held for the block's duration, never referenced inside it
    private void fetch(HubClient client, CachedRepo cache, RepoId repo, String commit, String file) throws IOException {
        if (Files.isRegularFile(cache.snapshot(commit).resolve(file))) {
            return;
        }
        HubClient.FileMetadata meta = client.fileMetadata(repo, commit, file);
        Path blob = cache.blob(meta.etag());
        if (!Files.isRegularFile(blob)) {
            try (BlobLock lock = BlobLock.acquire(cache.lockFile(meta.etag()), cache.incomplete(meta.etag()),
                    LOCK_STALL_LIMIT, listener, file)) {
                if (!Files.isRegularFile(blob)) {
                    new BlobDownload(client, listener).fetch(repo, meta, cache.incomplete(meta.etag()), blob);
                }
            }
        }
        cache.link(commit, file, meta.etag());
    }

    private Path fromCacheOffline(CachedRepo cache, RepoId repo) {
        Optional<String> commit = cache.commitFor(repo.revision());
        if (commit.isEmpty() || !Files.isDirectory(cache.snapshot(commit.get()))) {
            throw new HubException(repo + " is not in the Hugging Face cache (" + settings.hubCache()
                    + ") and HF_HUB_OFFLINE is set, so it cannot be downloaded. Unset HF_HUB_OFFLINE to download it, "
                    + "or pass a local model directory.");
        }
        Path snapshot = cache.snapshot(commit.get());
        List<String> missing = missing(snapshot, false);
        if (!missing.isEmpty()) {
            throw new HubException(repo + " is only partly cached at " + snapshot + " (missing: "
                    + String.join(", ", missing) + ") and HF_HUB_OFFLINE is set. Unset HF_HUB_OFFLINE to finish "
                    + "the download.");
        }
        return snapshot;
    }

    private static Optional<Path> cachedSnapshot(CachedRepo cache, RepoId repo, boolean needTokenizer) {
        return cache.commitFor(repo.revision()).map(cache::snapshot)
                .filter(s -> Files.isDirectory(s) && missing(s, needTokenizer).isEmpty());
    }

    /** What a snapshot still lacks to serve: config.json, the weights (every shard), and maybe tokenizer.json. */
    static List<String> missing(Path snapshot, boolean needTokenizer) {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(snapshot.resolve("config.json"))) {
            missing.add("config.json");
        }
        if (needTokenizer && !Files.isRegularFile(snapshot.resolve("tokenizer.json"))) {
            missing.add("tokenizer.json");
        }
        Path index = snapshot.resolve(WEIGHTS_INDEX);
        if (Files.isRegularFile(index)) {
            try {
                shards(index).stream().filter(s -> !Files.isRegularFile(snapshot.resolve(s))).forEach(missing::add);
            } catch (HubException | UncheckedIOException e) {
                missing.add(WEIGHTS_INDEX + " (unreadable)");
            }
        } else if (!Files.isRegularFile(snapshot.resolve(SINGLE_WEIGHTS))) {
            missing.add(SINGLE_WEIGHTS);
        }
        return missing;
    }

    /** The distinct shard files an index names; each must be a plain file name in the repo root. */
    static List<String> shards(Path index) {
        JsonNode map;
        try {
            map = JSON.readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new HubException(index + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!map.isObject()) {
            throw new HubException(index + ": no weight_map object");
        }
        Set<String> names = map.properties().stream().map(e -> e.getValue().asText()).collect(Collectors.toCollection(
                LinkedHashSet::new));
        for (String n : names) {
            if (!n.endsWith(".safetensors") || n.contains("/") || n.contains("\\") || n.startsWith(".")) {
                throw new HubException(index + ": weight_map names \"" + n + "\", not a safetensors file in the "
                        + "repository root");
            }
        }
        return List.copyOf(names);
    }
}
