package dev.infer.models.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import jinjava.javax.el.ELException;

import java.util.List;
import java.util.Map;

/**
 * transformers' {@code tojson} filter, which replaces Jinja2's (HTML-escaping, compact) one for chat templates:
 * {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}, i.e.
 * {@code json.dumps} with those arguments ({@link PythonJson}). Jinjava's built-in would print
 * {@code {"a":1}} where the model was trained on {@code {"a": 1}}.
 */
final class TojsonFilter implements AdvancedFilter {
    private static final List<String> PARAMETERS = List.of("ensure_ascii", "indent", "separators", "sort_keys");

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object[] p = new Object[PARAMETERS.size()];
        for (int i = 0; i < args.length; i++) {
            if (i >= p.length) {
                throw new ELException("tojson takes at most " + p.length + " arguments");
            }
            p[i] = args[i];
        }
        for (Map.Entry<String, Object> e : kwargs.entrySet()) {
            int i = PARAMETERS.indexOf(e.getKey());
            if (i < 0) {
                throw new ELException("tojson got an unexpected keyword argument '" + e.getKey() + "'");
            }
            p[i] = e.getValue();
        }
        PythonJson.Options options = new PythonJson.Options(
                p[0] instanceof Boolean b && b, indent(p[1]), separator(p[2], 0), separator(p[2], 1),
                p[3] instanceof Boolean b && b);
        try {
            return PythonJson.dumps(value, options);
        } catch (IllegalArgumentException e) {
            throw new ELException("tojson: " + e.getMessage());
        }
    }

    // json.dumps: an int indent is that many spaces per level (negative: none), a string is used as is.
    private static String indent(Object indent) {
        return switch (indent) {
            case null -> null;
            case Number n -> " ".repeat(Math.max(0, n.intValue()));
            default -> indent.toString();
        };
    }

    private static String separator(Object separators, int which) {
        if (separators == null) {
            return null;
        }
        List<Object> pair = PyForTag.items(separators);
        if (pair.size() != 2) {
            throw new ELException("tojson separators must be a pair (item_separator, key_separator)");
        }
        return String.valueOf(pair.get(which));
    }
}
