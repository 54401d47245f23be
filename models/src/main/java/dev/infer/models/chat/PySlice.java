package dev.infer.models.chat;

import jinjava.javax.el.ELException;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code seq[start:stop:step]} on lists and strings, for the slices Jinjava cannot parse (those with
 * a step, above all {@code [::-1]}). Strings are sliced by code point, as Python does, so reversing text with
 * emoji keeps surrogate pairs intact.
 */
final class PySlice {
    private PySlice() {
    }

    static Object slice(Object sequence, Object start, Object stop, Object step) {
        int st = step == null ? 1 : PyStrings.integer(step);
        if (st == 0) {
            throw new ELException("slice step cannot be zero");
        }
        if (sequence instanceof String s) {
            int[] cps = s.codePoints().toArray();
            StringBuilder sb = new StringBuilder();
            for (int i : indices(cps.length, start, stop, st)) {
                sb.appendCodePoint(cps[i]);
            }
            return sb.toString();
        }
        List<Object> items = sequence == null ? List.of() : PyForTag.items(sequence);
        List<Object> out = new ArrayList<>();
        for (int i : indices(items.size(), start, stop, st)) {
            out.add(items.get(i));
        }
        return out;
    }

    /** The indices a slice visits (CPython's PySlice_AdjustIndices). */
    static int[] indices(int length, Object start, Object stop, int step) {
        int lo = bound(start, length, step, step > 0 ? 0 : length - 1);
        int hi = bound(stop, length, step, step > 0 ? length : -1);
        int count = step > 0 ? (hi > lo ? (hi - lo + step - 1) / step : 0)
                : (lo > hi ? (lo - hi - step - 1) / -step : 0);
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            out[k] = lo + k * step;
        }
        return out;
    }

    private static int bound(Object value, int length, int step, int fallback) {
        if (value == null) {
            return fallback;
        }
        int v = PyStrings.integer(value);
        if (v < 0) {
            v += length;
            if (v < 0) {
                v = step < 0 ? -1 : 0;
            }
        } else if (v >= length) {
            v = step < 0 ? length - 1 : length;
        }
        return v;
    }
}
