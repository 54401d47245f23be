package dev.infer.models.chat;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.Map;

/**
 * Answers method calls that Jinja2 templates make with Python semantics, ahead of Jinjava's own resolvers:
 * {@code str} methods ({@link PyStrings}), {@code dict.get(key, default)}, the {@code __py_slice__} call
 * that {@link ExpressionRewriter} writes for stepped slices, and indexing into strings. Everything else falls
 * through to Jinjava.
 */
final class PythonMethodResolver extends ELResolver {
    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) {
            return null;
        }
        String name = method.toString();
        Object[] args = params == null ? new Object[0] : params;
        Object result = PyStrings.NOT_A_METHOD;
        if (name.equals(ExpressionRewriter.SLICE_METHOD) && args.length == 3) {
            result = PySlice.slice(base, args[0], args[1], args[2]);
        } else if (base instanceof String s) {
            result = PyStrings.call(s, name, args);
        } else if (base instanceof Map<?, ?> map && name.equals("get") && args.length == 2) {
            // Python returns the stored value even when it is None; the default only for a missing key.
            result = map.containsKey(args[0]) ? map.get(args[0]) : args[1];
        }
        if (result == PyStrings.NOT_A_METHOD) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    /** {@code text[i]}: Jinjava has no string indexing; Python indexes code points, negative from the end. */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base instanceof String s && property != null) {
            Integer index = integer(property.toString());
            if (index != null) {
                int length = s.codePointCount(0, s.length());
                int i = index < 0 ? index + length : index;
                context.setPropertyResolved(true);
                return i >= 0 && i < length ? Character.toString(s.codePointAt(s.offsetByCodePoints(0, i))) : null;
            }
        }
        return null;
    }

    private static Integer integer(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // never resolves properties: the next resolver does
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
