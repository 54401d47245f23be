package dev.infer.models.hub;

import dev.infer.models.config.ModelConfigParser;
import dev.infer.models.weights.ModelWeights;
import dev.infer.models.weights.SafetensorsWeights;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.infer.models.hub.HubTestSupport.COMMIT;
import static dev.infer.models.hub.HubTestSupport.TINYSTORIES_FILES;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class HubDownloadTest {
    @TempDir
    Path home;
    FakeHub hub;
    Map<String, byte[]> content;
    Map<String, String> env;
    Path repoDir;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        content = HubTestSupport.tinystoriesRepo();
        hub.addRepo("acme/tiny", COMMIT, content, null);
        env = new java.util.HashMap<>(HubTestSupport.env(hub, home));
        repoDir = home.resolve("hf/hub/models--acme--tiny");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private Path resolve(String arg) {
        return HubTestSupport.locator(HubTestSupport.settings(env), home).resolve(arg);
    }

    @Test
    void downloadCreatesTheHuggingFaceCacheLayout() throws IOException {
        Path snapshot = resolve("acme/tiny");
        assertThat(snapshot).isEqualTo(repoDir.resolve("snapshots").resolve(COMMIT));
        assertThat(Files.readString(repoDir.resolve("refs/main"))).isEqualTo(COMMIT);
        try (Stream<Path> s = Files.list(snapshot)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(TINYSTORIES_FILES);
        }
        for (String file : TINYSTORIES_FILES) {
            Path link = snapshot.resolve(file);
            String etag = FakeHub.isLfs(file) ? FakeHub.sha256(content.get(file)) : FakeHub.gitSha1(content.get(file));
            assertThat(Files.isSymbolicLink(link)).as(file).isTrue();
            assertThat(Files.readSymbolicLink(link)).as(file).isEqualTo(Path.of("../../blobs/" + etag));
            assertThat(Files.readAllBytes(link)).as(file).isEqualTo(content.get(file));
            assertThat(repoDir.resolve("blobs").resolve(etag)).isRegularFile();
        }
        try (Stream<Path> blobs = Files.list(repoDir.resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString())).hasSize(TINYSTORIES_FILES.size())
                    .noneMatch(n -> n.endsWith(".incomplete"));
        }
        assertThat(home.resolve("hf/hub/.locks/models--acme--tiny")).isDirectory();
        // Nothing that serving does not need was fetched (or even looked up).
        assertThat(hub.requests()).noneMatch(r -> r.path().contains(".bin") || r.path().contains("onnx")
                || r.path().contains("gguf") || r.path().contains("README") || r.path().contains("REFERENCE"));
        // It is a real, loadable model.
        try (SafetensorsWeights w = SafetensorsWeights.open(snapshot)) {
            ModelWeights.of(w).validate(ModelConfigParser.read(snapshot));
        }
    }

    @Test
    void hfHubCacheOverridesTheCacheLocation() {
        env.put("HF_HUB_CACHE", home.resolve("elsewhere").toString());
        Path snapshot = resolve("acme/tiny");
        assertThat(snapshot).isEqualTo(home.resolve("elsewhere/models--acme--tiny/snapshots").resolve(COMMIT));
        assertThat(repoDir).doesNotExist();
    }

    @Test
    void secondResolveIsServedFromTheCacheWithoutRequests() {
        Path first = resolve("acme/tiny");
        int before = hub.requests().size();
        assertThat(before).isGreaterThan(0);
        Path second = resolve("acme/tiny");
        assertThat(second).isEqualTo(first);
        assertThat(hub.requests()).hasSize(before);
    }

    @Test
    void brokenTransferResumesWithRange() throws IOException {
        int half = content.get("model.safetensors").length / 2;
        hub.breakFirstTransferAfter = half;
        Path snapshot = resolve("acme/tiny");
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(content.get("model.safetensors"));
        List<FakeHub.Request> cdn = hub.requests("/cdn/");
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(0).range()).isNull();
        assertThat(cdn.get(1).range()).matches("bytes=\\d+-");
        long resumedAt = Long.parseLong(cdn.get(1).range().replaceAll("\\D", ""));
        assertThat(resumedAt).isPositive().isLessThanOrEqualTo(half);
    }

    @Test
    void incompleteFileFromAnEarlierRunIsResumed() throws IOException {
        byte[] weights = content.get("model.safetensors");
        String sha = FakeHub.sha256(weights);
        Files.createDirectories(repoDir.resolve("blobs"));
        Files.write(repoDir.resolve("blobs/" + sha + ".incomplete"), Arrays.copyOf(weights, 1_000_000));
        Path snapshot = resolve("acme/tiny");
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(weights);
        assertThat(hub.requests("/cdn/")).singleElement().extracting(FakeHub.Request::range).isEqualTo("bytes=1000000-");
        assertThat(repoDir.resolve("blobs/" + sha + ".incomplete")).doesNotExist();
    }

    @Test
    void serverIgnoringRangeStillGivesTheRightBytes() throws IOException {
        byte[] weights = content.get("model.safetensors");
        String sha = FakeHub.sha256(weights);
        Files.createDirectories(repoDir.resolve("blobs"));
        byte[] garbage = new byte[500_000];
        Arrays.fill(garbage, (byte) 7);
        Files.write(repoDir.resolve("blobs/" + sha + ".incomplete"), garbage);
        hub.ignoreRange = true;
        Path snapshot = resolve("acme/tiny");
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(weights);
    }

    @Test
    void stalledTransferTimesOutAndResumes() throws IOException {
        hub.stallFirstTransfer = true;
        HubSettings settings = HubTestSupport.settings(env).withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500));
        long start = System.nanoTime();
        Path snapshot = HubTestSupport.locator(settings, home).resolve("acme/tiny");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(content.get("model.safetensors"));
        assertThat(hub.requests("/cdn/")).hasSize(2).last().extracting(FakeHub.Request::range).isNotNull();
    }

    @Test
    void corruptedContentNeverEntersTheCache() throws IOException {
        hub.corruptCdn = true;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> resolve("acme/tiny"))
                .isInstanceOf(HubException.class).hasMessageContaining("model.safetensors")
                .hasMessageContaining("does not match its hash");
        try (Stream<Path> blobs = Files.list(repoDir.resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(FakeHub.sha256(content.get("model.safetensors"))));
        }
        assertThat(repoDir.resolve("refs/main")).doesNotExist();
        hub.corruptCdn = false;
        assertThat(resolve("acme/tiny").resolve("model.safetensors")).isRegularFile();
    }

    @Test
    void tagRevisionWritesItsRefAndCommitRevisionNeedsNone() throws IOException {
        hub.addRepo("acme/tagged", COMMIT, content, null).tags().put("v1.0", COMMIT);
        Path byTag = resolve("acme/tagged@v1.0");
        Path tagged = home.resolve("hf/hub/models--acme--tagged");
        assertThat(Files.readString(tagged.resolve("refs/v1.0"))).isEqualTo(COMMIT);
        assertThat(tagged.resolve("refs/main")).doesNotExist();
        int before = hub.requests().size();
        assertThat(resolve("acme/tagged@" + COMMIT)).isEqualTo(byTag);
        assertThat(hub.requests()).hasSize(before);
    }

    @Test
    void blobsAreSharedBetweenRevisions() throws IOException {
        String other = "fedcba9876543210fedcba9876543210fedcba98";
        hub.addRepo("acme/tiny", COMMIT, content, null).tags().put("v2", other);
        resolve("acme/tiny");
        int lfsGets = hub.requests("/cdn/").size();
        Path v2 = resolve("acme/tiny@v2");
        assertThat(v2).isEqualTo(repoDir.resolve("snapshots").resolve(other));
        assertThat(hub.requests("/cdn/")).hasSize(lfsGets);
        assertThat(Files.readAllBytes(v2.resolve("config.json"))).isEqualTo(content.get("config.json"));
    }

    @Test
    void shardedCheckpointGetsExactlyTheIndexedShards() throws IOException {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("config.json", content.get("config.json"));
        files.put("tokenizer.json", content.get("tokenizer.json"));
        files.put("model.safetensors.index.json", """
                {"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                                                "b": "model-00002-of-00002.safetensors"}}"""
                .getBytes(StandardCharsets.UTF_8));
        files.put("model-00001-of-00002.safetensors", "shard one".getBytes());
        files.put("model-00002-of-00002.safetensors", "shard two".getBytes());
        files.put("consolidated.safetensors", new byte[100_000]);
        hub.addRepo("acme/sharded", COMMIT, files, null);
        Path snapshot = resolve("acme/sharded");
        assertThat(Files.readString(snapshot.resolve("model-00002-of-00002.safetensors"))).isEqualTo("shard two");
        assertThat(snapshot.resolve("consolidated.safetensors")).doesNotExist();
        assertThat(hub.requests()).noneMatch(r -> r.path().contains("consolidated"));
        int before = hub.requests().size();
        resolve("acme/sharded");
        assertThat(hub.requests()).hasSize(before);
    }
}
