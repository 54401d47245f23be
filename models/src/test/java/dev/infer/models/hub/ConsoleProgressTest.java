package dev.infer.models.hub;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleProgressTest {
    @Test
    void logsOneLinePerFileWhenNotATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false, now::get);
        p.fileStarted("model.safetensors", 2_000_000_000L, 0);
        for (int i = 1; i <= 100; i++) {
            now.addAndGet(20_000_000L);
            p.bytes("model.safetensors", i * 20_000_000L, 2_000_000_000L);
        }
        p.fileFinished("model.safetensors", 2_000_000_000L);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).containsExactly("downloaded model.safetensors (2.00 GB) in 2.0 s, 1.00 GB/s");
        assertThat(out).doesNotContain("\r");
    }

    @Test
    void drawsABarOnATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), true, now::get);
        p.fileStarted("config.json", 1000, 0);
        now.addAndGet(500_000_000L);
        p.bytes("config.json", 500, 1000);
        now.addAndGet(10_000_000L);
        p.bytes("config.json", 600, 1000); // within 100 ms of the last draw: skipped
        now.addAndGet(490_000_000L);
        p.fileFinished("config.json", 1000);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("\rconfig.json [############............] 500 B / 1.00 kB  1.00 kB/s")
                .contains("\rconfig.json [########################] 1.00 kB / 1.00 kB  1.00 kB/s")
                .doesNotContain("600 B").endsWith(System.lineSeparator());
    }

    @Test
    void sizes() {
        assertThat(ConsoleProgress.size(999)).isEqualTo("999 B");
        assertThat(ConsoleProgress.size(1500)).isEqualTo("1.50 kB");
        assertThat(ConsoleProgress.size(45_100_000)).isEqualTo("45.1 MB");
        assertThat(ConsoleProgress.size(988_000_000_000L)).isEqualTo("988 GB");
    }
}
