package dev.infer.models.chat;

import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts what callers pass (messages, tools as Jackson trees, records, optionals) into the plain maps, lists
 * and scalars that templates navigate with {@code x.y} / {@code x['y']} and that {@code tojson} serializes.
 * Maps keep their key order, which {@code tojson} output depends on.
 */
final class TemplateValues {
    private TemplateValues() {
    }

    static Object plain(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Number n -> n;
            case Boolean b -> b;
            case ChatMessage m -> plain(m.toTemplateMap());
            case JsonNode node -> json(node);
            case Optional<?> o -> plain(o.orElse(null));
            case Map<?, ?> map -> {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
                yield out;
            }
            case Collection<?> c -> {
                List<Object> out = new ArrayList<>(c.size());
                c.forEach(v -> out.add(plain(v)));
                yield out;
            }
            case Record r -> record(r);
            default -> value.getClass().isArray() ? array(value) : value;
        };
    }

    private static Object json(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.put(e.getKey(), json(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>(node.size());
            node.forEach(n -> out.add(json(n)));
            return out;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return null; // null and missing
    }

    // Records become dicts keyed by their component names in snake_case (toolCallId -> tool_call_id).
    private static Object record(Record r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                c.getAccessor().setAccessible(true);
                out.put(snakeCase(c.getName()), plain(c.getAccessor().invoke(r)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot read " + c.getName() + " of " + r.getClass(), e);
            }
        }
        return out;
    }

    private static Object array(Object array) {
        List<Object> out = new ArrayList<>();
        for (int i = 0, n = Array.getLength(array); i < n; i++) {
            out.add(plain(Array.get(array, i)));
        }
        return out;
    }

    static String snakeCase(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append(i > 0 ? "_" : "").append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
