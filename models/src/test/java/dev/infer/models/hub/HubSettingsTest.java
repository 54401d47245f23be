package dev.infer.models.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubSettingsTest {
    @TempDir
    Path home;

    @Test
    void defaultsMatchHuggingfaceHub() {
        HubSettings s = HubSettings.fromEnv(Map.of("HOME", "/home/u"));
        assertThat(s.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(s.hubCache()).isEqualTo(Path.of("/home/u/.cache/huggingface/hub"));
        assertThat(s.offline()).isFalse();
        assertThat(s.token()).isNull();
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void cacheLocationPrecedence() {
        assertThat(HubSettings.fromEnv(Map.of("HOME", "/h", "XDG_CACHE_HOME", "/xdg")).hubCache())
                .isEqualTo(Path.of("/xdg/huggingface/hub"));
        assertThat(HubSettings.fromEnv(Map.of("HOME", "/h", "XDG_CACHE_HOME", "/xdg", "HF_HOME", "/hf")).hubCache())
                .isEqualTo(Path.of("/hf/hub"));
        assertThat(HubSettings.fromEnv(Map.of("HOME", "/h", "HF_HOME", "/hf", "HF_HUB_CACHE", "/cache")).hubCache())
                .isEqualTo(Path.of("/cache"));
        assertThat(HubSettings.fromEnv(Map.of("HOME", "/h", "HF_HOME", "~/hf")).hubCache())
                .isEqualTo(Path.of("/h/hf/hub"));
    }

    @Test
    void endpointOfflineTokenAndTimeouts() {
        HubSettings s = HubSettings.fromEnv(Map.of("HOME", "/h", "HF_ENDPOINT", "https://hf-mirror.com/",
                "HF_HUB_OFFLINE", "TRUE", "HF_TOKEN", " hf_abc ", "HF_HUB_DOWNLOAD_TIMEOUT", "2.5",
                "HF_HUB_ETAG_TIMEOUT", "3"));
        assertThat(s.endpoint()).isEqualTo(URI.create("https://hf-mirror.com"));
        assertThat(s.offline()).isTrue();
        assertThat(s.token()).isEqualTo("hf_abc");
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.toString()).doesNotContain("hf_abc").contains("token=set");
        assertThat(HubSettings.isTrue("0")).isFalse();
        assertThat(HubSettings.isTrue("on")).isTrue();
        assertThatThrownBy(() -> HubSettings.fromEnv(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HF_HUB_DOWNLOAD_TIMEOUT");
    }

    @Test
    void tokenFileWrittenByTheCliIsUsed() throws IOException {
        Files.createDirectories(home.resolve("hf"));
        Files.writeString(home.resolve("hf/token"), "hf_from_file\n");
        assertThat(HubSettings.fromEnv(Map.of("HOME", home.toString(), "HF_HOME", home.resolve("hf").toString()))
                .token()).isEqualTo("hf_from_file");
        assertThat(HubSettings.fromEnv(Map.of("HOME", home.toString(), "HF_HOME", home.resolve("hf").toString(),
                "HF_TOKEN", "hf_env")).token()).isEqualTo("hf_env");
    }

    @Test
    void repoIds() {
        RepoId r = RepoId.parse("Qwen/Qwen2.5-0.5B-Instruct");
        assertThat(r.id()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct");
        assertThat(r.revision()).isEqualTo("main");
        assertThat(r.cacheFolderName()).isEqualTo("models--Qwen--Qwen2.5-0.5B-Instruct");
        assertThat(RepoId.parse("org/name@refs/pr/1").revision()).isEqualTo("refs/pr/1");
        assertThat(RepoId.parse("org/name@0123456789abcdef0123456789abcdef01234567").revisionIsCommit()).isTrue();
        assertThat(RepoId.looksLike("org/name@v1")).isTrue();
        assertThat(RepoId.looksLike("org/name@")).isFalse();
        assertThat(RepoId.looksLike("name")).isFalse();
        assertThat(RepoId.looksLike("a/b/c")).isFalse();
        assertThat(RepoId.looksLike("org/../x")).isFalse();
        assertThat(RepoId.looksLike("org/na--me")).isFalse();
        assertThatThrownBy(() -> RepoId.parse("org/name@../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
