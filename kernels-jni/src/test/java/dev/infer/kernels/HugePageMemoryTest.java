package dev.infer.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HugePageMemoryTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    void largeAllocationsStartOnAHugePageAreZeroedAndWritable() {
        long bytes = 3 * HugePageMemory.HUGE_PAGE + 123;
        MemorySegment segment;
        try (Arena arena = Arena.ofShared()) {
            segment = HugePageMemory.allocate(arena, bytes);
            assertThat(segment.byteSize()).isEqualTo(bytes);
            assertThat(segment.address() % HugePageMemory.HUGE_PAGE).isZero();
            for (long at = 0; at < bytes; at += 4096) {
                assertThat(segment.get(ValueLayout.JAVA_BYTE, at)).isZero();
                segment.set(ValueLayout.JAVA_BYTE, at, (byte) 7);
            }
            segment.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 9);
            assertThat(segment.get(ValueLayout.JAVA_BYTE, bytes - 1)).isEqualTo((byte) 9);
        }
        // the arena unmapped it: the segment is no longer accessible
        MemorySegment closed = segment;
        assertThatThrownBy(() -> closed.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void smallAllocationsComeFromTheArenaAligned() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = HugePageMemory.allocate(arena, 1000);
            assertThat(segment.byteSize()).isEqualTo(1000);
            assertThat(segment.address() % 64).isZero();
            assertThat(segment.get(ValueLayout.JAVA_LONG, 8)).isZero();
        }
    }

    @Test
    void packedMatricesLiveOnItAndRoundTrip() {
        int rows = 600;
        int cols = 1024; // 2.4 MB in F32: above one huge page
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 97) * 0.25f - 12;
        }
        try (PackedMatrix m = PackedMatrix.pack(values, rows, cols, LinearFormat.F32)) {
            float[] row = new float[cols];
            m.unpackRow(rows - 1, row, 0);
            for (int c = 0; c < cols; c++) {
                assertThat(row[c]).isEqualTo(values[(rows - 1) * cols + c]);
            }
        }
    }
}
