package dev.infer.models.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExpressionRewriterTest {

    @Test
    void steppedSlicesBecomeCalls() {
        assertThat(ExpressionRewriter.rewrite(" messages[::-1] ")).isEqualTo(" messages.__py_slice__(none, none, -1) ");
        assertThat(ExpressionRewriter.rewrite("xs[1:n - 1:2][0]")).isEqualTo("xs.__py_slice__(1, n - 1, 2)[0]");
        // plain slices, indexes and list literals stay as they are
        assertThat(ExpressionRewriter.rewrite("s[:3] + s[-1] + [1, 2][0]")).isEqualTo("s[:3] + s[-1] + [1, 2][0]");
    }

    @Test
    void keywordArgumentValuesAreParenthesized() {
        assertThat(ExpressionRewriter.rewrite("namespace(a=1, b=messages|length - 1)"))
                .isEqualTo("namespace(a=(1), b=(messages|length - 1))");
        assertThat(ExpressionRewriter.rewrite("x|tojson(indent=2)")).isEqualTo("x|tojson(indent=(2))");
        // comparisons are not keyword arguments
        assertThat(ExpressionRewriter.rewrite("f(a == b, c != d)")).isEqualTo("f(a == b, c != d)");
    }

    @Test
    void unaryNotCoversUpToAndOr() {
        assertThat(ExpressionRewriter.rewrite("not a > b and c")).isEqualTo("not (a > b) and c");
        assertThat(ExpressionRewriter.rewrite("x if not y == '' else z")).isEqualTo("x if not (y == '') else z");
        assertThat(ExpressionRewriter.rewrite("a is not none and not(b)")).isEqualTo("a is not none and not ((b))");
        assertThat(ExpressionRewriter.rewrite("'a' not in s")).isEqualTo("'a' not in s");
    }

    @Test
    void stringsAreNeverTouched() {
        assertThat(ExpressionRewriter.rewrite("'[::-1] not x' ~ \"f(a=b)\"")).isEqualTo("'[::-1] not x' ~ \"f(a=b)\"");
    }

    @Test
    void sourceRewriterLeavesTextAndRawAlone() {
        String src = "text [::-1] not x\n{% raw %}{{ xs[::-1] }}{% endraw %}{{ xs[::-1] }}";
        assertThat(TemplateSourceRewriter.rewrite(src))
                .isEqualTo("text [::-1] not x\n{% raw %}{{ xs[::-1] }}{% endraw %}{{ xs.__py_slice__(none, none, -1) }}");
    }
}
