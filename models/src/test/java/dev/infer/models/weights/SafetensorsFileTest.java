package dev.infer.models.weights;

import dev.infer.models.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    @Test
    void f32F16Bf16ValuesRoundTrip() throws IOException {
        float[] f32 = {0f, 1.5f, -2.25f, 3.0e-3f, Float.MAX_VALUE, -1e-30f};
        float[] f16 = {0f, 1.5f, -2.25f, 65504f, -0.000061035156f, 0.333251953125f};
        float[] bf16 = {0f, 1.5f, -2.25f, Float.intBitsToFloat(0x7F7F0000), -0.0078125f, 0.333984375f};
        Path file = new SafetensorsWriter()
                .metadata("format", "pt")
                .f32("a", new long[]{2, 3}, f32)
                .f16("b", new long[]{6}, f16)
                .bf16("c", new long[]{3, 2}, bf16)
                .write(dir.resolve("m.safetensors"));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.names()).containsExactly("a", "b", "c");
            assertThat(st.metadata()).containsEntry("format", "pt");
            Tensor a = st.get("a");
            assertThat(a.dtype()).isEqualTo(DType.F32);
            assertThat(a.shape()).containsExactly(2, 3);
            assertThat(a.toFloatArray()).containsExactly(f32);
            Tensor b = st.get("b");
            assertThat(b.dtype()).isEqualTo(DType.F16);
            assertThat(b.toFloatArray()).containsExactly(f16);
            Tensor c = st.get("c");
            assertThat(c.dtype()).isEqualTo(DType.BF16);
            assertThat(c.shape()).containsExactly(3, 2);
            assertThat(c.toFloatArray()).containsExactly(bf16);
            assertThat(c.data().byteSize()).isEqualTo(12);
        }
    }

    @Test
    void scalarAndEmptyTensors() throws IOException {
        Path file = new SafetensorsWriter()
                .f32("scalar", new long[]{}, 7f)
                .f32("empty", new long[]{0, 4})
                .write(dir.resolve("m.safetensors"));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.get("scalar").toFloatArray()).containsExactly(7f);
            assertThat(st.get("empty").elementCount()).isZero();
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path file = new SafetensorsWriter().f32("a", new long[]{1}, 1f).write(dir.resolve("m.safetensors"));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThatThrownBy(() -> st.get("nope")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("nope").hasMessageContaining("m.safetensors");
        }
    }

    @Test
    void truncatedFileFailsAtOpen() throws IOException {
        byte[] full = new SafetensorsWriter().f32("a", new long[]{4}, 1, 2, 3, 4).toBytes();
        Path file = dir.resolve("t.safetensors");
        Files.write(file, Arrays.copyOf(full, full.length - 5));
        assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("t.safetensors").hasMessageContaining("tensor a")
                .hasMessageContaining("truncated");
    }

    @Test
    void fileShorterThanHeaderLength() throws IOException {
        Path file = Files.write(dir.resolve("tiny.safetensors"), new byte[]{1, 2, 3});
        assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("3 bytes");
    }

    @Test
    void corruptHeaderLength() throws IOException {
        byte[] good = new SafetensorsWriter().f32("a", new long[]{1}, 1f).toBytes();
        for (long bad : new long[]{0, -1, 1L << 40, good.length}) {
            byte[] bytes = good.clone();
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bad);
            Path file = Files.write(dir.resolve("h" + Math.abs(bad % 1000) + ".safetensors"), bytes);
            assertThatThrownBy(() -> SafetensorsFile.open(file)).as("header length %d", bad)
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("header length");
        }
    }

    @Test
    void nonJsonHeader() throws IOException {
        Path file = Files.write(dir.resolve("j.safetensors"), SafetensorsWriter.withHeader("{not json!!", 16));
        assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not valid JSON");
        Path array = Files.write(dir.resolve("k.safetensors"), SafetensorsWriter.withHeader("[1,2]", 0));
        assertThatThrownBy(() -> SafetensorsFile.open(array)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void malformedEntries() throws IOException {
        String[] headers = {
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0.5,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}",
                "{\"a\":5}",
        };
        for (int i = 0; i < headers.length; i++) {
            Path file = Files.write(dir.resolve("e" + i + ".safetensors"), SafetensorsWriter.withHeader(headers[i], 8));
            assertThatThrownBy(() -> SafetensorsFile.open(file)).as(headers[i])
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("tensor a");
        }
    }

    @Test
    void offsetsBeyondFile() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
        Path file = Files.write(dir.resolve("o.safetensors"), SafetensorsWriter.withHeader(header, 16));
        assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("data_offsets").hasMessageContaining("16 data bytes");
    }

    @Test
    void sizeDisagreeingWithShapeFailsAtOpen() throws IOException {
        String header = "{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        Path file = Files.write(dir.resolve("s.safetensors"), SafetensorsWriter.withHeader(header, 8));
        assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("holds 8 bytes").hasMessageContaining("need 6");
        String overflow = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}";
        Path huge = Files.write(dir.resolve("v.safetensors"), SafetensorsWriter.withHeader(overflow, 8));
        assertThatThrownBy(() -> SafetensorsFile.open(huge)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("overflows");
    }

    @Test
    void unsupportedDtypeFailsOnlyWhenThatTensorIsRead() throws IOException {
        Path file = new SafetensorsWriter()
                .raw("ids", "I64", new long[]{2}, new byte[16])
                .f32("w", new long[]{2}, 1f, 2f)
                .write(dir.resolve("u.safetensors"));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.names()).containsExactly("ids", "w");
            assertThat(st.get("w").toFloatArray()).containsExactly(1f, 2f);
            assertThatThrownBy(() -> st.get("ids")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("ids").hasMessageContaining("unsupported dtype \"I64\"");
        }
    }

    @Test
    void tensorsAreUnusableAfterClose() throws IOException {
        Path file = new SafetensorsWriter().f32("a", new long[]{1}, 1f).write(dir.resolve("c.safetensors"));
        SafetensorsFile st = SafetensorsFile.open(file);
        Tensor a = st.get("a");
        st.close();
        assertThat(a.data().scope().isAlive()).isFalse();
        assertThatThrownBy(() -> a.getFloat(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void missingFileIsAModelFormatError() {
        assertThatThrownBy(() -> SafetensorsFile.open(dir.resolve("absent.safetensors")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("absent.safetensors");
    }
}
