package dev.infer.models.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Files over 2 GiB: offsets past Integer.MAX_VALUE must work, without writing gigabytes in a unit test. */
class LargeSafetensorsFileTest {
    private static final long DATA_BYTES = 2_200_000_000L + 64;
    private static final long BIG_OFFSET = 2_200_000_000L;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void readsATensorPast2GiBFromASparseFile() throws IOException {
        // The filler tensor covers the gap (no holes, as the format requires); its dtype is one we never read.
        String header = "{\"filler\":{\"dtype\":\"U8\",\"shape\":[" + BIG_OFFSET + "],\"data_offsets\":[0,"
                + BIG_OFFSET + "]},\"big\":{\"dtype\":\"F32\",\"shape\":[4,4],\"data_offsets\":[" + BIG_OFFSET + ","
                + (BIG_OFFSET + 64) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("big.safetensors");
        ByteBuffer values = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            values.putFloat(i * 0.5f - 3f);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8 + h.length + DATA_BYTES);
            ByteBuffer prefix = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
            raf.getChannel().write(prefix.flip(), 0);
            raf.getChannel().write(values.flip(), 8 + h.length + BIG_OFFSET);
        }
        assertThat(file.toFile().length()).isGreaterThan(Integer.MAX_VALUE);
        long allocated = allocatedBytes(file);
        if (allocated >= 0) {
            assertThat(allocated).as("sparse file must not use gigabytes of disk").isLessThan(64L << 20);
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Tensor big = st.get("big");
            assertThat(big.shape()).containsExactly(4, 4);
            float[] read = big.toFloatArray();
            for (int i = 0; i < 16; i++) {
                assertThat(read[i]).isEqualTo(i * 0.5f - 3f);
            }
        }
    }

    /** Bytes the file really occupies on disk (st_blocks * 512), or -1 where {@code stat} is not available. */
    private static long allocatedBytes(Path file) {
        try {
            Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return -1;
            }
            String[] parts = out.split("\\s+");
            return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
