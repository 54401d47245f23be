package dev.infer.models.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import dev.infer.models.chat.JinjaLexer.Kind;
import dev.infer.models.chat.JinjaLexer.Token;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of {@code for a, b in iterable if condition}: Jinja2 parses the iterable without conditional
 * expressions, so the first top-level {@code if} after {@code in} always starts the filter.
 *
 * @param variables the loop variables (tuple unpacking when more than one)
 * @param iterable  the expression to iterate
 * @param condition the filter expression, or null
 */
record ForClause(List<String> variables, String iterable, String condition) {

    static ForClause parse(String helpers, JinjavaInterpreter interpreter) {
        String code = helpers.strip();
        List<Token> tokens = JinjaLexer.lex(helpers);
        int in = topLevelName(tokens, 0, "in");
        if (in < 0) {
            throw new TemplateSyntaxException(interpreter, code, "'for' expects 'x in items', got: " + code);
        }
        List<String> variables = new ArrayList<>();
        for (int i = 0; i < in; i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.NAME) {
                variables.add(t.text());
            } else if (t.kind() != Kind.SPACE && !t.is(Kind.OP, ",") && !t.text().equals("(")
                    && !t.text().equals(")")) {
                throw new TemplateSyntaxException(interpreter, code, "bad loop variable '" + t.text() + "': " + code);
            }
        }
        int end = tokens.size();
        int last = end - 1;
        while (last > in && tokens.get(last).kind() == Kind.SPACE) {
            last--;
        }
        if (last > in && tokens.get(last).isName("recursive")) {
            throw new TemplateSyntaxException(interpreter, code, "recursive loops are not supported");
        }
        int cond = topLevelName(tokens, in + 1, "if");
        String iterable = join(tokens, in + 1, cond < 0 ? end : cond);
        String condition = cond < 0 ? null : join(tokens, cond + 1, end);
        if (variables.isEmpty() || iterable.isEmpty() || condition != null && condition.isEmpty()) {
            throw new TemplateSyntaxException(interpreter, code, "incomplete 'for' tag: " + code);
        }
        return new ForClause(List.copyOf(variables), iterable, condition);
    }

    private static int topLevelName(List<Token> tokens, int from, String name) {
        int depth = 0;
        for (int i = from; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.OPEN) {
                depth++;
            } else if (t.kind() == Kind.CLOSE) {
                depth--;
            } else if (depth == 0 && t.isName(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String join(List<Token> tokens, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(tokens.get(i).text());
        }
        return sb.toString().strip();
    }
}
