package dev.infer.models.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a Jinja expression into tokens, just finely enough for the source rewrites: strings (so nothing
 * inside quotes is touched), names, numbers, brackets, operators and whitespace. Concatenating the token
 * texts gives back the input exactly.
 */
final class JinjaLexer {
    enum Kind { SPACE, STRING, NAME, NUMBER, OPEN, CLOSE, OP }

    record Token(Kind kind, String text) {
        boolean is(Kind k, String t) {
            return kind == k && text.equals(t);
        }

        boolean isName(String t) {
            return is(Kind.NAME, t);
        }
    }

    /** Words that are operators, not operands, in Jinja expressions. */
    static final Set<String> OPERATOR_WORDS = Set.of("and", "or", "not", "if", "else", "in", "is");
    private static final Set<String> TWO_CHAR_OPS = Set.of("==", "!=", "<=", ">=", "//", "**");

    private JinjaLexer() {
    }

    static List<Token> lex(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            int start = i;
            Kind kind;
            if (Character.isWhitespace(c)) {
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                kind = Kind.SPACE;
            } else if (c == '\'' || c == '"') {
                i = endOfString(s, i);
                kind = Kind.STRING;
            } else if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                kind = Kind.NAME;
            } else if (Character.isDigit(c)) {
                i = endOfNumber(s, i);
                kind = Kind.NUMBER;
            } else if (c == '(' || c == '[' || c == '{') {
                i++;
                kind = Kind.OPEN;
            } else if (c == ')' || c == ']' || c == '}') {
                i++;
                kind = Kind.CLOSE;
            } else {
                i += i + 1 < n && TWO_CHAR_OPS.contains(s.substring(i, i + 2)) ? 2 : 1;
                kind = Kind.OP;
            }
            tokens.add(new Token(kind, s.substring(start, i)));
        }
        return tokens;
    }

    /** Index just past the string literal starting at {@code i} (or the end of input if unterminated). */
    static int endOfString(String s, int i) {
        char quote = s.charAt(i);
        int j = i + 1;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (c == '\\') {
                j += 2;
            } else if (c == quote) {
                return j + 1;
            } else {
                j++;
            }
        }
        return s.length();
    }

    private static int endOfNumber(String s, int i) {
        int n = s.length();
        while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        if (i + 1 < n && s.charAt(i) == '.' && Character.isDigit(s.charAt(i + 1))) {
            i++;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            if (j < n && Character.isDigit(s.charAt(j))) {
                i = j;
                while (i < n && Character.isDigit(s.charAt(i))) {
                    i++;
                }
            }
        }
        return i;
    }

    /** Index of the bracket closing the one at {@code open}, or -1 if it is not closed before {@code to}. */
    static int matching(List<Token> tokens, int open, int to) {
        int depth = 0;
        for (int i = open; i < to; i++) {
            Kind k = tokens.get(i).kind();
            if (k == Kind.OPEN) {
                depth++;
            } else if (k == Kind.CLOSE && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The previous non-space token before {@code i}, not looking before {@code from}; null if none. */
    static Token previous(List<Token> tokens, int i, int from) {
        for (int j = i - 1; j >= from; j--) {
            if (tokens.get(j).kind() != Kind.SPACE) {
                return tokens.get(j);
            }
        }
        return null;
    }

    /** Whether a token ends an operand, so that a following bracket is a subscript or a call. */
    static boolean endsOperand(Token t) {
        if (t == null) {
            return false;
        }
        return switch (t.kind()) {
            case STRING, NUMBER, CLOSE -> true;
            case NAME -> !OPERATOR_WORDS.contains(t.text());
            default -> false;
        };
    }
}
