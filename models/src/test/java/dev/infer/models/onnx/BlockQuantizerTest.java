package dev.infer.models.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BlockQuantizerTest {
    /** Decodes with MatMulNBits' rule (default zero point 2^(bits-1)) and checks every value is within half a step. */
    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void decodingTheCodesGivesBackEachWeightWithinHalfAStep(int bits) {
        int n = 3;
        int k = 70; // two full blocks and a partial one
        SplittableRandom random = new SplittableRandom(9);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate((long) n * k * Float.BYTES);
            for (int i = 0; i < n * k; i++) {
                w.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
            }
            // Shared: the quantizer works on rows in parallel.
            BlockQuantizer.Layout layout = new BlockQuantizer.Layout(n, k, bits);
            assertThat(layout.blocksPerRow()).isEqualTo(3);
            MemorySegment out = arena.allocate(layout.totalBytes());
            BlockQuantizer.quantize(w, layout, out);
            for (int row = 0; row < n; row++) {
                for (int col = 0; col < k; col++) {
                    long block = row * layout.blocksPerRow() + col / BlockQuantizer.BLOCK;
                    float scale = out.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, layout.codeBytes() / 4 + block);
                    int code = code(out, layout, block, col % BlockQuantizer.BLOCK);
                    float decoded = (code - (1 << (bits - 1))) * scale;
                    assertThat(decoded).as("row %d col %d", row, col)
                            .isCloseTo(w.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * k + col), within(scale / 2 + 1e-6f));
                }
            }
        }
    }

    private static int code(MemorySegment out, BlockQuantizer.Layout layout, long block, int i) {
        long blob = block * layout.blobBytes();
        if (layout.bits() == 8) {
            return out.get(ValueLayout.JAVA_BYTE, blob + i) & 0xFF;
        }
        int b = out.get(ValueLayout.JAVA_BYTE, blob + i / 2) & 0xFF;
        return i % 2 == 0 ? b & 0xF : b >>> 4;
    }

    @Test
    void onlyFourAndEightBits() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> BlockQuantizer.quantize(arena.allocate(64), new BlockQuantizer.Layout(1, 16, 2),
                    arena.allocate(64))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 or 8");
        }
    }
}
