package dev.infer.kernels;

/** Turns the native kernels' error codes (enum in {@code kernels.h}) into Java exceptions. */
final class NativeErrors {
    private NativeErrors() {
    }

    static void check(int code, String kernel) {
        if (code == 0) {
            return;
        }
        String what = switch (code) {
            case -1 -> "bad attention shape";
            case -2 -> "bad queryStart";
            case -3 -> "a context shorter than its query rows";
            case -4 -> "a block table shorter than its context";
            case -5 -> "a block id outside the cache";
            case -6 -> "a tensor smaller than the step needs";
            case -7 -> "a slot outside the cache";
            case -8 -> "a task range outside the step";
            case -9 -> "native memory exhausted";
            case -10 -> "a penalty token id outside the vocabulary";
            case -11 -> "no token can be sampled: the logits contain NaN, or every logit is -inf";
            case -12 -> "bad sampling parameters";
            case -13 -> "bad linear weights (format, shape or byte size)";
            default -> "error " + code;
        };
        if (code == -11) {
            throw new IllegalStateException(kernel + ": " + what);
        }
        throw new IllegalArgumentException(kernel + " (native): " + what);
    }
}
