package dev.infer.models.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.infer.models.hub.HubTestSupport.COMMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Authentication, errors, offline mode and the network failing. */
@Timeout(60)
class HubAccessTest {
    @TempDir
    Path home;
    FakeHub hub;
    Map<String, String> env;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        hub.addRepo("acme/tiny", COMMIT, HubTestSupport.tinystoriesRepo(), null);
        hub.addRepo("acme/private", COMMIT, HubTestSupport.tinystoriesRepo(), "hf_secret");
        env = new HashMap<>(HubTestSupport.env(hub, home));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private Path resolve(String arg) {
        return HubTestSupport.locator(HubTestSupport.settings(env), home).resolve(arg);
    }

    @Test
    void tokenIsSentAsBearerToTheHubButNotToAnotherHost() {
        env.put("HF_TOKEN", "hf_secret");
        hub.cdnHost = "localhost";
        Path snapshot = resolve("acme/private");
        assertThat(snapshot.resolve("model.safetensors")).isRegularFile();
        List<FakeHub.Request> hubRequests = hub.requests().stream().filter(r -> !r.path().startsWith("/cdn/")).toList();
        assertThat(hubRequests).isNotEmpty().allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer hf_secret"));
        assertThat(hub.requests("/cdn/")).isNotEmpty().allSatisfy(r -> assertThat(r.authorization()).isNull());
    }

    @Test
    void sameOriginRedirectKeepsTheToken() {
        env.put("HF_TOKEN", "hf_secret");
        resolve("acme/private");
        assertThat(hub.requests("/cdn/")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer hf_secret"));
    }

    @Test
    void unauthorizedWithoutTokenSaysToSetHfToken() {
        assertThatThrownBy(() -> resolve("acme/private")).isInstanceOf(HubException.class)
                .hasMessageContaining("acme/private").hasMessageContaining("401")
                .hasMessageContaining("Set HF_TOKEN");
        assertThat(hub.requests()).hasSize(1);
    }

    @Test
    void rejectedTokenIsReportedAsSuch() {
        env.put("HF_TOKEN", "hf_wrong");
        assertThatThrownBy(() -> resolve("acme/private")).isInstanceOf(HubException.class)
                .hasMessageContaining("HF_TOKEN is set but was not accepted")
                .hasMessageContaining("Invalid credentials");
    }

    @Test
    void unknownRepoAndRevisionAreNotFound() {
        assertThatThrownBy(() -> resolve("acme/missing")).isInstanceOf(HubException.class)
                .hasMessageContaining("acme/missing not found on " + hub.endpoint());
        assertThatThrownBy(() -> resolve("acme/tiny@nope")).isInstanceOf(HubException.class)
                .hasMessageContaining("revision \"nope\" not found in acme/tiny");
        // Permanent errors are not retried.
        assertThat(hub.requests()).hasSize(2);
    }

    @Test
    void offlineModeServesTheCacheWithoutTheNetwork() {
        Path online = resolve("acme/tiny");
        hub.close();
        env.put("HF_HUB_OFFLINE", "1");
        assertThat(resolve("acme/tiny")).isEqualTo(online);
        env.put("HF_HUB_OFFLINE", "true");
        assertThat(resolve("acme/tiny@" + COMMIT)).isEqualTo(online);
    }

    @Test
    void offlineModeWithoutACachedCopyFailsClearly() {
        env.put("HF_HUB_OFFLINE", "1");
        assertThatThrownBy(() -> resolve("acme/tiny")).isInstanceOf(HubException.class)
                .hasMessageContaining("acme/tiny is not in the Hugging Face cache")
                .hasMessageContaining("HF_HUB_OFFLINE");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void offlineModeWithAPartialCopyNamesWhatIsMissing() throws IOException {
        Path snapshot = resolve("acme/tiny");
        Files.delete(snapshot.resolve("model.safetensors"));
        env.put("HF_HUB_OFFLINE", "yes");
        assertThatThrownBy(() -> resolve("acme/tiny")).isInstanceOf(HubException.class)
                .hasMessageContaining("only partly cached").hasMessageContaining("model.safetensors");
    }

    @Test
    void unreachableHubIsANetworkError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        env.put("HF_ENDPOINT", "http://127.0.0.1:" + port);
        HubSettings settings = HubSettings.fromEnv(env).withRetries(2, Duration.ofMillis(10))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThatThrownBy(() -> HubTestSupport.locator(settings, home).resolve("acme/tiny"))
                .isInstanceOf(HubException.class).hasMessageContaining("cannot reach http://127.0.0.1:" + port)
                .hasMessageContaining("HF_HUB_OFFLINE");
    }

    @Test
    void unreachableHubFallsBackToACachedSnapshot() {
        Path online = resolve("acme/tiny");
        // A snapshot without tokenizer.json is re-checked online; with the hub gone, the cached copy is used.
        try {
            Files.delete(online.resolve("tokenizer.json"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        hub.close();
        HubSettings settings = HubTestSupport.settings(env).withRetries(1, Duration.ofMillis(10));
        assertThat(HubTestSupport.locator(settings, home).resolve("acme/tiny")).isEqualTo(online);
    }

    @Test
    void clientParsesTheRepoListing() {
        try (HubClient client = new HubClient(HubTestSupport.settings(env))) {
            HubClient.RepoInfo info = client.repoInfo(RepoId.parse("acme/tiny"));
            assertThat(info.commit()).isEqualTo(COMMIT);
            assertThat(info.files()).contains("config.json", "model.safetensors", "onnx/model.onnx");
            HubClient.FileMetadata meta = client.fileMetadata(RepoId.parse("acme/tiny"), COMMIT, "model.safetensors");
            assertThat(meta.linked()).isTrue();
            assertThat(meta.etag()).hasSize(64);
            assertThat(meta.size()).isPositive();
            assertThat(meta.location().getPath()).startsWith("/cdn/");
            HubClient.FileMetadata tok = client.fileMetadata(RepoId.parse("acme/tiny"), COMMIT, "tokenizer.json");
            assertThat(tok.linked()).isFalse();
            assertThat(tok.etag()).hasSize(40).doesNotContain("\"").doesNotStartWith("W/");
            assertThatThrownBy(() -> client.fileMetadata(RepoId.parse("acme/tiny"), COMMIT, "absent.json"))
                    .isInstanceOf(HubException.class).hasMessageContaining("absent.json not found");
        }
    }

    @Test
    void etagsAreNormalizedAndMustBePlain() {
        assertThat(HubClient.normalizeEtag("W/\"abc123\"")).isEqualTo("abc123");
        assertThat(HubClient.normalizeEtag("\"abc\"")).isEqualTo("abc");
        assertThatThrownBy(() -> HubClient.normalizeEtag("\"../../etc\"")).isInstanceOf(HubException.class);
        assertThat(HubClient.sameOrigin(URI.create("https://huggingface.co/a"), URI.create("https://huggingface.co:443/b")))
                .isTrue();
        assertThat(HubClient.sameOrigin(URI.create("https://huggingface.co/a"), URI.create("https://cdn.hf.co/b")))
                .isFalse();
    }
}
