package dev.infer.kernels;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** The checks every sampling implementation runs before it edits or reads a row. */
final class SamplingInputs {
    private SamplingInputs() {
    }

    static void check(MemorySegment logits, int vocab, List<SamplingRow> rows) {
        if (vocab <= 0) {
            throw new IllegalArgumentException("vocab must be > 0, got " + vocab);
        }
        long needed = (long) rows.size() * vocab * Float.BYTES;
        if (logits.byteSize() < needed) {
            throw new IllegalArgumentException("logits hold " + logits.byteSize() + " bytes; " + rows.size()
                    + " rows of " + vocab + " need " + needed);
        }
        for (SamplingRow row : rows) {
            row.penalties().check(vocab);
        }
    }
}
