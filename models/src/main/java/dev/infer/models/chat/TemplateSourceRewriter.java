package dev.infer.models.chat;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prepares a template source for Jinjava.
 * <ul>
 *   <li>Every expression ({@code {{ ... }}} and the arguments of {@code {% tag ... %}}) goes through
 *       {@link ExpressionRewriter}. Tags whose arguments are not plain expressions (macro signatures,
 *       imports) and {@code raw} blocks are left alone. An expression starting with a sign is
 *       parenthesized, because Jinjava reads {@code {{ -1 }}} as the whitespace control {@code {{-1 }}}.</li>
 *   <li>{@code trim_blocks} and {@code lstrip_blocks} are applied here, as Jinja2 defines them, instead of by
 *       Jinjava: Jinjava's lstrip removes the spaces before <em>every</em> tag, also in the middle of a line
 *       ({@code a, {% endif %}} loses its space), where Jinja2 only strips whitespace that starts a line. The
 *       {@code +} markers that switch them off per tag are honoured and removed, since Jinjava does not know
 *       them. The {@code -} markers stay for Jinjava, which handles them like Jinja2.</li>
 * </ul>
 */
final class TemplateSourceRewriter {
    private static final Set<String> VERBATIM_TAGS = Set.of(
            "macro", "call", "import", "from", "include", "extends", "block", "raw", "endraw");
    private static final Pattern TAG_NAME = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern END_RAW = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}");

    /**
     * The rewritten source and the filter and test names its expressions use.
     */
    record Prepared(String source, Set<String> filters, Set<String> tests) {
    }

    private final String source;
    private final StringBuilder out;
    private final Set<String> filters = new TreeSet<>();
    private final Set<String> tests = new TreeSet<>();
    private int pos;
    /** Jinja2's "line_starting": the previous tag ended by consuming a newline (or we are at the start). */
    private boolean lineStarting = true;

    private TemplateSourceRewriter(String source) {
        this.source = source;
        this.out = new StringBuilder(source.length() + 64);
    }

    static Prepared prepare(String source) {
        TemplateSourceRewriter rewriter = new TemplateSourceRewriter(source);
        rewriter.run();
        return new Prepared(rewriter.out.toString(), Set.copyOf(rewriter.filters), Set.copyOf(rewriter.tests));
    }

    static String rewrite(String source) {
        return prepare(source).source();
    }

    private String expressionRewrite(String expression) {
        ExpressionRewriter.collectNames(expression, filters, tests);
        return ExpressionRewriter.rewrite(expression);
    }

    private void run() {
        int n = source.length();
        while (pos < n) {
            int open = nextOpening(pos);
            if (open < 0) {
                out.append(source, pos, n);
                return;
            }
            char kind = source.charAt(open + 1);
            char marker = open + 2 < n ? source.charAt(open + 2) : 0;
            String text = source.substring(pos, open);
            if (kind != '{' && marker != '-' && marker != '+') {
                text = lstrip(text);
            }
            out.append(text);
            pos = switch (kind) {
                case '{' -> expression(open);
                case '%' -> tag(open);
                default -> comment(open);
            };
        }
    }

    private int nextOpening(int from) {
        for (int i = source.indexOf('{', from); i >= 0 && i + 1 < source.length(); i = source.indexOf('{', i + 1)) {
            char c = source.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    // lstrip_blocks: spaces and tabs between the start of a line and a block or comment are removed.
    private String lstrip(String text) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if ((lineStart > 0 || lineStarting) && isBlank(text, lineStart)) {
            return text.substring(0, lineStart);
        }
        return text;
    }

    private int expression(int open) {
        int bodyStart = afterMarker(open + 2);
        int close = findClose(bodyStart, "}}");
        if (close < 0) { // unterminated: copy it and let Jinjava report the error
            out.append(source, open, source.length());
            return source.length();
        }
        int bodyEnd = beforeMarker(bodyStart, close);
        String body = expressionRewrite(source.substring(bodyStart, bodyEnd));
        String core = body.strip();
        if (core.startsWith("-") || core.startsWith("+")) {
            int lead = body.indexOf(core);
            body = body.substring(0, lead) + "(" + core + ")" + body.substring(lead + core.length());
        }
        out.append(source, open, bodyStart).append(body).append(source, bodyEnd, close + 2);
        return afterClose(close + 2, source.charAt(bodyEnd) == '-', false, false);
    }

    private int tag(int open) {
        int bodyStart = afterMarker(open + 2);
        int close = findClose(bodyStart, "%}");
        if (close < 0) {
            out.append(source, open, source.length());
            return source.length();
        }
        int bodyEnd = beforeMarker(bodyStart, close);
        String body = source.substring(bodyStart, bodyEnd);
        Matcher name = TAG_NAME.matcher(body);
        if (name.lookingAt() && name.group(1).equals("raw")) { // copy through the matching endraw untouched
            Matcher end = END_RAW.matcher(source);
            int stop = end.find(close + 2) ? end.end() : source.length();
            out.append(source, open, stop);
            lineStarting = false;
            return stop;
        }
        String rewritten = !name.lookingAt() || VERBATIM_TAGS.contains(name.group(1)) ? body
                : body.substring(0, name.end()) + expressionRewrite(body.substring(name.end()));
        openDelimiter(open);
        out.append(rewritten);
        return closeDelimiter(bodyEnd, close);
    }

    private int comment(int open) {
        int close = source.indexOf("#}", open + 2);
        if (close < 0) {
            out.append(source, open, source.length());
            return source.length();
        }
        int bodyEnd = beforeMarker(afterMarker(open + 2), close);
        openDelimiter(open);
        out.append(source, afterMarker(open + 2), bodyEnd);
        return closeDelimiter(bodyEnd, close);
    }

    // "{%" or "{#" with its marker; "+" (no lstrip here) is dropped because Jinjava does not know it.
    private void openDelimiter(int open) {
        char marker = source.charAt(open + 2);
        out.append(source, open, open + 2).append(marker == '-' ? "-" : "");
    }

    // "%}" or "#}" with its marker, then trim_blocks: the first newline after it goes, unless "+%}" keeps it.
    private int closeDelimiter(int bodyEnd, int close) {
        char marker = bodyEnd < close ? source.charAt(bodyEnd) : 0;
        out.append(marker == '-' ? "-" : "").append(source, close, close + 2);
        return afterClose(close + 2, marker == '-', marker != '+', true);
    }

    private int afterClose(int next, boolean trimsAll, boolean trimNewline, boolean block) {
        if (trimsAll) { // Jinjava removes the whitespace; note whether it ended a line
            int i = next;
            while (i < source.length() && Character.isWhitespace(source.charAt(i))) {
                i++;
            }
            lineStarting = i > next && source.charAt(i - 1) == '\n';
            return next;
        }
        if (block && trimNewline && source.startsWith("\n", next)) {
            lineStarting = true;
            return next + 1;
        }
        lineStarting = false;
        return next;
    }

    private int afterMarker(int i) {
        return i < source.length() && (source.charAt(i) == '-' || source.charAt(i) == '+') ? i + 1 : i;
    }

    private int beforeMarker(int bodyStart, int close) {
        return close > bodyStart && (source.charAt(close - 1) == '-' || source.charAt(close - 1) == '+')
                ? close - 1 : close;
    }

    /** The next {@code delimiter} outside string literals, or -1. */
    private int findClose(int from, String delimiter) {
        int i = from;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\'' || c == '"') {
                i = JinjaLexer.endOfString(source, i);
            } else if (source.startsWith(delimiter, i)) {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static boolean isBlank(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }
}
