package dev.infer.models.hub;

import dev.infer.models.demo.DemoModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelLocatorTest {
    @TempDir
    Path home;

    private ModelLocator locator() {
        Map<String, String> env = Map.of("HOME", home.toString(), "HF_HOME", home.resolve("hf").toString(),
                "HF_HUB_OFFLINE", "1");
        return new ModelLocator(HubSettings.fromEnv(env), home.resolve("demo-root"), ProgressListener.silent());
    }

    @Test
    void existingDirectoryIsItself() throws IOException {
        Path dir = Files.createDirectories(home.resolve("my/model"));
        assertThat(locator().resolve(dir.toString())).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(locator().resolve(dir + "/../model")).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void directoryShapedLikeARepoIdWinsOverTheHub() throws IOException {
        Path cwdRelative = Path.of("target", "locator-test-" + ProcessHandle.current().pid());
        Files.createDirectories(cwdRelative);
        try {
            assertThat(locator().resolve(cwdRelative.toString())).isEqualTo(cwdRelative.toAbsolutePath().normalize());
        } finally {
            Files.delete(cwdRelative);
        }
    }

    @Test
    void demoIsWrittenUnderTheInjectedRoot() {
        Path demo = locator().resolve("demo");
        assertThat(demo).isEqualTo(home.resolve("demo-root").resolve(DemoModel.DIRECTORY_NAME).toAbsolutePath());
        assertThat(demo.resolve("config.json")).isRegularFile();
    }

    @Test
    void repoIdsGoToTheHub() {
        // Offline and not cached: proves the argument was taken as a repo id.
        assertThatThrownBy(() -> locator().resolve("Qwen/Qwen2.5-0.5B-Instruct")).isInstanceOf(HubException.class)
                .hasMessageContaining("Qwen/Qwen2.5-0.5B-Instruct is not in the Hugging Face cache");
    }

    @Test
    void neitherDirectoryNorRepoId() {
        assertThatThrownBy(() -> locator().resolve("./no/such/dir")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such directory");
        assertThatThrownBy(() -> locator().resolve("/abs/not/here")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such directory");
        assertThatThrownBy(() -> locator().resolve("just-a-name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORG/NAME");
        assertThatThrownBy(() -> locator().resolve(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
