package dev.infer.models.chat;

import jinjava.javax.el.ELException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Python {@code str} methods that chat templates call ({@code content.startswith('<think>')},
 * {@code text.split('</think>')[-1].lstrip('\n')}, ...). Jinjava would otherwise call Java's methods of the same
 * name where they exist, with different semantics ({@code split} takes a regex and drops trailing empty
 * strings, {@code strip} takes no characters), or fail where they do not.
 */
final class PyStrings {
    /** Returned when {@code method} is not a Python string method we provide. */
    static final Object NOT_A_METHOD = new Object();

    private PyStrings() {
    }

    static Object call(String s, String method, Object[] a) {
        return switch (method) {
            case "startswith" -> affix(s, a, true);
            case "endswith" -> affix(s, a, false);
            case "strip" -> rstrip(lstrip(s, chars(a)), chars(a));
            case "lstrip" -> lstrip(s, chars(a));
            case "rstrip" -> rstrip(s, chars(a));
            case "split" -> split(s, arg(a, 0), maxsplit(a));
            case "rsplit" -> rsplit(s, arg(a, 0), maxsplit(a));
            case "splitlines" -> splitlines(s);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> replace(s, str(a, 0), str(a, 1), a.length > 2 ? integer(a[2]) : -1);
            case "find" -> find(s, str(a, 0), a);
            case "rfind" -> s.lastIndexOf(str(a, 0));
            case "index" -> found(find(s, str(a, 0), a), s, a);
            case "rindex" -> found(s.lastIndexOf(str(a, 0)), s, a);
            case "count" -> count(s, str(a, 0));
            case "join" -> join(s, a);
            case "removeprefix" -> s.startsWith(str(a, 0)) ? s.substring(str(a, 0).length()) : s;
            case "removesuffix" -> s.endsWith(str(a, 0)) ? s.substring(0, s.length() - str(a, 0).length()) : s;
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(PyStrings::isSpace);
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
            case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
            default -> NOT_A_METHOD;
        };
    }

    /** Python's {@code str.isspace} characters (wider than Java's {@link Character#isWhitespace}). */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    private static boolean affix(String s, Object[] a, boolean prefix) {
        Object what = arg(a, 0);
        if (what instanceof Collection<?> options) { // Python accepts a tuple of alternatives
            for (Object o : options) {
                if (prefix ? s.startsWith(String.valueOf(o)) : s.endsWith(String.valueOf(o))) {
                    return true;
                }
            }
            return false;
        }
        String text = str(a, 0);
        return prefix ? s.startsWith(text) : s.endsWith(text);
    }

    private static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && strips(s.charAt(i), chars)) {
            i++;
        }
        return s.substring(i);
    }

    private static String rstrip(String s, String chars) {
        int j = s.length();
        while (j > 0 && strips(s.charAt(j - 1), chars)) {
            j--;
        }
        return s.substring(0, j);
    }

    private static boolean strips(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    private static List<String> split(String s, Object sep, int maxsplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) { // runs of whitespace, no empty strings
            int i = 0;
            while (true) {
                while (i < s.length() && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= s.length()) {
                    return parts;
                }
                if (maxsplit >= 0 && parts.size() == maxsplit) {
                    parts.add(rstrip(s.substring(i), null));
                    return parts;
                }
                int j = i;
                while (j < s.length() && !isSpace(s.charAt(j))) {
                    j++;
                }
                parts.add(s.substring(i, j));
                i = j;
            }
        }
        String d = separator(sep);
        int start = 0;
        int at;
        while ((maxsplit < 0 || parts.size() < maxsplit) && (at = s.indexOf(d, start)) >= 0) {
            parts.add(s.substring(start, at));
            start = at + d.length();
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static List<String> rsplit(String s, Object sep, int maxsplit) {
        if (sep == null || maxsplit < 0) {
            return split(s, sep, maxsplit);
        }
        String d = separator(sep);
        List<String> parts = new ArrayList<>();
        int end = s.length();
        int at;
        while (parts.size() < maxsplit && (at = s.lastIndexOf(d, end - d.length())) >= 0) {
            parts.addFirst(s.substring(at + d.length(), end));
            end = at;
        }
        parts.addFirst(s.substring(0, end));
        return parts;
    }

    private static String separator(Object sep) {
        String d = String.valueOf(sep);
        if (d.isEmpty()) {
            throw new ELException("empty separator");
        }
        return d;
    }

    private static List<String> splitlines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(s.substring(start, i));
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return sb.toString();
    }

    private static String replace(String s, String old, String replacement, int count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder sb = new StringBuilder();
        int start = 0;
        int at;
        for (int done = 0; done < count && !old.isEmpty() && (at = s.indexOf(old, start)) >= 0; done++) {
            sb.append(s, start, at).append(replacement);
            start = at + old.length();
        }
        return sb.append(s.substring(start)).toString();
    }

    private static int find(String s, String sub, Object[] a) {
        int start = a.length > 1 && a[1] != null ? integer(a[1]) : 0;
        if (start < 0) {
            start = Math.max(0, s.length() + start);
        }
        return s.indexOf(sub, start);
    }

    private static int found(int index, String s, Object[] a) {
        if (index < 0) {
            throw new ELException("substring " + str(a, 0) + " not found in " + s);
        }
        return index;
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String s, Object[] a) {
        List<String> parts = new ArrayList<>();
        for (Object o : PyForTag.items(arg(a, 0))) {
            parts.add(String.valueOf(o));
        }
        return String.join(s, parts);
    }

    private static String chars(Object[] a) {
        Object c = arg(a, 0);
        return c == null ? null : String.valueOf(c);
    }

    private static int maxsplit(Object[] a) {
        return a.length > 1 && a[1] != null ? integer(a[1]) : -1;
    }

    private static Object arg(Object[] a, int i) {
        return i < a.length ? a[i] : null;
    }

    private static String str(Object[] a, int i) {
        if (i >= a.length || a[i] == null) {
            throw new ELException("missing string argument " + (i + 1));
        }
        return String.valueOf(a[i]);
    }

    static int integer(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        throw new ELException("expected an integer, got " + o);
    }
}
