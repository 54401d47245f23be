package dev.infer.models.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.ObjectTruthValue;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Replaces Jinjava's {@code for} tag with Jinja2's semantics:
 * <ul>
 *   <li>{@code {% for x in xs if cond %}}: Jinjava evaluates {@code xs if cond} as a conditional expression
 *       and silently renders nothing. Here the items are filtered first, so {@code loop.index},
 *       {@code loop.last} and {@code loop.length} count only the items that pass, as in Jinja2 (a
 *       textual rewrite into an inner {@code if} would get {@code loop.last} wrong).</li>
 *   <li>{@code loop.previtem} / {@code loop.nextitem} ({@link PyForLoop}).</li>
 *   <li>{@code {% else %}} renders only when nothing was iterated (Jinjava renders it on every iteration).</li>
 *   <li>Python iteration: a dict yields its keys, a string its characters.</li>
 * </ul>
 */
final class PyForTag extends ForTag {
    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        ForClause clause = ForClause.parse(tagNode.getHelpers(), interpreter);
        Object iterable = interpreter.resolveELExpression(clause.iterable(), tagNode.getLineNumber());
        List<Node> body = new ArrayList<>();
        List<Node> orElse = null;
        for (Node child : tagNode.getChildren()) {
            if (orElse == null && child instanceof TagNode tag && "else".equals(tag.getName())) {
                orElse = new ArrayList<>();
            } else {
                (orElse == null ? body : orElse).add(child);
            }
        }
        StringBuilder out = new StringBuilder();
        try (InterpreterScopeClosable _ = interpreter.enterScope()) {
            List<Object> items = items(iterable);
            if (clause.condition() != null) {
                items = filter(items, clause, interpreter, tagNode.getLineNumber());
            }
            PyForLoop loop = new PyForLoop(items);
            interpreter.getContext().put(LOOP, loop);
            while (loop.hasNext()) {
                bind(clause.variables(), interpreter.wrap(loop.next()), interpreter);
                for (Node node : body) {
                    out.append(node.render(interpreter).getValue());
                    if (loop.isContinued()) {
                        break;
                    }
                }
            }
            if (items.isEmpty() && orElse != null) {
                for (Node node : orElse) {
                    out.append(node.render(interpreter).getValue());
                }
            }
        }
        return out.toString();
    }

    private static List<Object> filter(List<Object> items, ForClause clause, JinjavaInterpreter interpreter, int line) {
        List<Object> kept = new ArrayList<>();
        try (InterpreterScopeClosable _ = interpreter.enterScope()) {
            for (Object item : items) {
                bind(clause.variables(), interpreter.wrap(item), interpreter);
                if (ObjectTruthValue.evaluate(interpreter.resolveELExpression(clause.condition(), line))) {
                    kept.add(item);
                }
            }
        }
        return kept;
    }

    /** Python iteration order and element kinds for the value after {@code in}. */
    @SuppressWarnings("unchecked")
    static List<Object> items(Object iterable) {
        List<Object> items = new ArrayList<>();
        switch (iterable) {
            case null -> { }
            case Map<?, ?> map -> items.addAll(map.keySet());
            case Collection<?> c -> items.addAll(c);
            case String s -> s.codePoints().forEach(cp -> items.add(Character.toString(cp)));
            case Iterable<?> it -> it.forEach(items::add);
            case Iterator<?> it -> it.forEachRemaining(items::add);
            default -> {
                if (iterable.getClass().isArray()) {
                    for (int i = 0, n = Array.getLength(iterable); i < n; i++) {
                        items.add(Array.get(iterable, i));
                    }
                } else {
                    items.add(iterable); // Jinjava's behaviour for a scalar: one iteration
                }
            }
        }
        return items;
    }

    private static void bind(List<String> variables, Object value, JinjavaInterpreter interpreter) {
        if (variables.size() == 1) {
            interpreter.getContext().put(variables.getFirst(), value);
            return;
        }
        List<Object> parts;
        if (value instanceof Map.Entry<?, ?> entry) {
            parts = List.of(entry.getKey(), entry.getValue());
        } else if (value instanceof Collection<?> || value != null && value.getClass().isArray()) {
            parts = items(value);
        } else {
            throw new TemplateSyntaxException(interpreter, String.join(", ", variables),
                    "cannot unpack " + value + " into " + variables);
        }
        if (parts.size() != variables.size()) {
            throw new TemplateSyntaxException(interpreter, String.join(", ", variables), "cannot unpack "
                    + parts.size() + " values into " + variables.size() + " loop variables");
        }
        for (int i = 0; i < variables.size(); i++) {
            interpreter.getContext().put(variables.get(i), parts.get(i));
        }
    }
}
