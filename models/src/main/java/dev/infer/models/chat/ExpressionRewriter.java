package dev.infer.models.chat;

import dev.infer.models.chat.JinjaLexer.Kind;
import dev.infer.models.chat.JinjaLexer.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites one Jinja expression so that Jinjava's parser (a JUEL dialect) reads it as Jinja2 does. Three
 * differences matter for Hugging Face chat templates:
 * <ul>
 *   <li>Slices with a step ({@code messages[::-1]}) do not parse: they become a call
 *       {@code .__py_slice__(start, stop, step)} that {@link PythonMethodResolver} answers with Python
 *       semantics. Plain {@code [a:b]} slices are left to Jinjava, which handles them.</li>
 *   <li>In a call, Jinjava parses {@code name=value} as a binary operator at the level of {@code +}, so
 *       {@code namespace(i=messages|length - 1)} becomes {@code (i=messages|length) - 1} and fails. Keyword
 *       argument values are wrapped in parentheses.</li>
 *   <li>Jinjava's {@code not} binds tighter than comparisons ({@code not n > 2} is {@code (not n) > 2});
 *       in Jinja2 {@code not} covers everything up to the next {@code and}/{@code or}. The operand of a unary
 *       {@code not} is wrapped in parentheses.</li>
 * </ul>
 */
final class ExpressionRewriter {
    static final String SLICE_METHOD = "__py_slice__";
    /** Words that end the operand of a unary {@code not} (at bracket depth zero). */
    private static final Set<String> NOT_STOP_WORDS = Set.of("and", "or", "if", "else");
    /** Words after which {@code not} is unary; after {@code is} it is the test negation {@code is not}. */
    private static final Set<String> UNARY_NOT_AFTER = Set.of("and", "or", "not", "if", "else", "in");

    private final List<Token> tokens;

    private ExpressionRewriter(List<Token> tokens) {
        this.tokens = tokens;
    }

    static String rewrite(String expression) {
        List<Token> tokens = JinjaLexer.lex(expression);
        return new ExpressionRewriter(tokens).emit(0, tokens.size());
    }

    /**
     * Adds the filters ({@code x|name}) and tests ({@code x is [not] name}) the expression uses. Jinjava renders
     * an unknown filter or test as nothing, without an error; Jinja2 refuses the template, and so do we.
     */
    static void collectNames(String expression, Set<String> filters, Set<String> tests) {
        List<Token> tokens = JinjaLexer.lex(expression);
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            boolean pipe = t.is(Kind.OP, "|");
            if (!pipe && !t.isName("is")) {
                continue;
            }
            int j = nextSignificant(tokens, i + 1);
            if (!pipe && j < tokens.size() && tokens.get(j).isName("not")) {
                j = nextSignificant(tokens, j + 1);
            }
            if (j < tokens.size() && tokens.get(j).kind() == Kind.NAME) {
                (pipe ? filters : tests).add(tokens.get(j).text());
            }
        }
    }

    private static int nextSignificant(List<Token> tokens, int i) {
        while (i < tokens.size() && tokens.get(i).kind() == Kind.SPACE) {
            i++;
        }
        return i;
    }

    private String emit(int from, int to) {
        StringBuilder out = new StringBuilder();
        int i = from;
        while (i < to) {
            Token t = tokens.get(i);
            if (t.isName("not") && isUnaryNot(i, from)) {
                int end = notOperandEnd(i + 1, to);
                int contentEnd = end;
                while (contentEnd > i + 1 && tokens.get(contentEnd - 1).kind() == Kind.SPACE) {
                    contentEnd--;
                }
                out.append("not (").append(emit(i + 1, contentEnd).strip()).append(')');
                i = contentEnd;
                continue;
            }
            if (t.kind() == Kind.OPEN) {
                int close = JinjaLexer.matching(tokens, i, to);
                if (close < 0) { // unbalanced: leave it for Jinjava to report
                    out.append(t.text());
                    i++;
                    continue;
                }
                boolean afterOperand = JinjaLexer.endsOperand(JinjaLexer.previous(tokens, i, from));
                if (afterOperand && t.text().equals("[")) {
                    out.append(subscript(i + 1, close));
                } else if (afterOperand && t.text().equals("(")) {
                    out.append('(').append(callArguments(i + 1, close)).append(')');
                } else {
                    out.append(t.text()).append(emit(i + 1, close)).append(tokens.get(close).text());
                }
                i = close + 1;
                continue;
            }
            out.append(t.text());
            i++;
        }
        return out.toString();
    }

    private boolean isUnaryNot(int i, int from) {
        Token prev = JinjaLexer.previous(tokens, i, from);
        if (prev == null) {
            return true;
        }
        return switch (prev.kind()) {
            case OP, OPEN -> true;
            case NAME -> UNARY_NOT_AFTER.contains(prev.text());
            default -> false; // after an operand: the binary "not in"
        };
    }

    private int notOperandEnd(int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.OPEN) {
                depth++;
            } else if (t.kind() == Kind.CLOSE) {
                depth--;
            } else if (depth == 0 && (t.kind() == Kind.NAME && NOT_STOP_WORDS.contains(t.text())
                    || t.is(Kind.OP, ",") || t.is(Kind.OP, ":"))) {
                return i;
            }
        }
        return to;
    }

    private String subscript(int from, int close) {
        List<int[]> parts = split(from, close, ":");
        if (parts.size() != 3) {
            return "[" + emit(from, close) + "]";
        }
        StringBuilder out = new StringBuilder(".").append(SLICE_METHOD).append('(');
        for (int p = 0; p < 3; p++) {
            String part = emit(parts.get(p)[0], parts.get(p)[1]).strip();
            out.append(p > 0 ? ", " : "").append(part.isEmpty() ? "none" : part);
        }
        return out.append(')').toString();
    }

    private String callArguments(int from, int close) {
        StringBuilder out = new StringBuilder();
        List<int[]> parts = split(from, close, ",");
        for (int p = 0; p < parts.size(); p++) {
            int start = parts.get(p)[0];
            int end = parts.get(p)[1];
            if (p > 0) {
                out.append(',');
            }
            int name = skipSpaces(start, end);
            int eq = skipSpaces(name + 1, end);
            boolean keyword = name < end && tokens.get(name).kind() == Kind.NAME
                    && eq < end && tokens.get(eq).is(Kind.OP, "=");
            if (keyword) {
                out.append(emit(start, eq + 1)).append('(').append(emit(eq + 1, end).strip()).append(')');
            } else {
                out.append(emit(start, end));
            }
        }
        return out.toString();
    }

    /** Ranges between top-level separators (the separators themselves are dropped). */
    private List<int[]> split(int from, int to, String separator) {
        List<int[]> parts = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int i = from; i < to; i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.OPEN) {
                depth++;
            } else if (t.kind() == Kind.CLOSE) {
                depth--;
            } else if (depth == 0 && t.is(Kind.OP, separator)) {
                parts.add(new int[] {start, i});
                start = i + 1;
            }
        }
        parts.add(new int[] {start, to});
        return parts;
    }

    private int skipSpaces(int i, int to) {
        while (i < to && tokens.get(i).kind() == Kind.SPACE) {
            i++;
        }
        return i;
    }
}
