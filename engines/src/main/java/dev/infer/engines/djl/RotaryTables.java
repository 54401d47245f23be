package dev.infer.engines.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.infer.engines.RotaryTable;
import dev.infer.models.config.ModelConfig;

/**
 * Precomputed cos/sin of every position (fp32, {@code [maxPositions][headDim/2]}), gathered per step by the
 * tokens' positions and applied in Hugging Face's "rotate half" layout.
 */
final class RotaryTables {
    private final NDArray cos;
    private final NDArray sin;
    private final int half;

    RotaryTables(NDManager manager, ModelConfig config) {
        RotaryTable table = RotaryTable.of(config);
        half = table.half();
        cos = manager.create(table.cos()).reshape(table.positions(), half);
        sin = manager.create(table.sin()).reshape(table.positions(), half);
    }

    /** The step's cos and sin rows, shaped {@code [T, 1, headDim/2]} to broadcast over heads. */
    NDArray[] forPositions(NDManager step, NDArray positions, DataType type) {
        NDIndex index = new NDIndex("{}", positions);
        long t = positions.getShape().get(0);
        NDArray c = cos.get(step, index).reshape(t, 1, half).toType(type, false);
        NDArray s = sin.get(step, index).reshape(t, 1, half).toType(type, false);
        return new NDArray[]{c, s};
    }

    /** x {@code [T, heads, headDim]}: (x1, x2) -> (x1 cos - x2 sin, x2 cos + x1 sin). */
    NDArray apply(NDArray x, NDArray[] cosSin) {
        NDArray x1 = x.get(":, :, :" + half);
        NDArray x2 = x.get(":, :, " + half + ":");
        NDArray first = x1.mul(cosSin[0]).sub(x2.mul(cosSin[1]));
        NDArray second = x2.mul(cosSin[0]).add(x1.mul(cosSin[1]));
        return first.concat(second, -1);
    }
}
