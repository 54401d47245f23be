package dev.infer.engines;

import java.util.Locale;

/** {@code cpu} or {@code cuda:N} (plain {@code cuda} means {@code cuda:0}). */
public record DeviceSpec(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, 0);

    public static DeviceSpec parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda") || s.equals("gpu")) {
            return new DeviceSpec(Kind.CUDA, 0);
        }
        if (s.startsWith("cuda:")) {
            try {
                int index = Integer.parseInt(s.substring(5));
                if (index >= 0) {
                    return new DeviceSpec(Kind.CUDA, index);
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device \"" + text + "\" (expected cpu or cuda:N)");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
