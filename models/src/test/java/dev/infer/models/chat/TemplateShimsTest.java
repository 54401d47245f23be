package dev.infer.models.chat;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One check per Jinja2 feature that needs help on Jinjava, each against what Jinja2 prints. */
class TemplateShimsTest {
    private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.system("S"), ChatMessage.user("U1"),
            ChatMessage.assistant("A1"), ChatMessage.user("U2"));

    private static String render(String template) {
        return render(template, Map.of());
    }

    private static String render(String template, Map<String, ?> kwargs) {
        return ChatTemplate.of("test", template, Map.of()).render(MESSAGES, false, kwargs);
    }

    @Test
    void pythonStringMethods() {
        assertThat(render("{{ messages[1].content.startswith('U') }} {{ 'abc'.startswith(('x', 'a')) }} "
                + "{{ 'abc'.endswith('bc') }}")).isEqualTo("true true true");
        assertThat(render("[{{ '  a b \\n'.strip() }}][{{ '\\n\\nx\\n'.lstrip('\\n') }}][{{ 'x\\n\\n'.rstrip('\\n') }}]"
                + "[{{ 'xxaxx'.strip('x') }}]")).isEqualTo("[a b][x\n][x][a]");
        assertThat(render("{{ 'a.b.c'.split('.') }} {{ 'a  b'.split() }} {{ 'a.b.c'.split('.', 1) }} "
                + "{{ 'a.b.c'.rsplit('.', 1) }} {{ 'a|b|'.split('|') }}"))
                .isEqualTo("[a, b, c] [a, b] [a, b.c] [a.b, c] [a, b, ]");
        assertThat(render("{{ 'Hi'.upper() }} {{ 'Hi'.lower() }} {{ 'hello wORLD'.title() }} "
                + "{{ 'hello'.capitalize() }} {{ 'a-a-a'.replace('-', '+') }} {{ 'a-a-a'.replace('-', '+', 1) }}"))
                .isEqualTo("HI hi Hello World Hello a+a+a a+a-a");
        assertThat(render("{{ 'banana'.find('an') }} {{ 'banana'.find('x') }} {{ 'banana'.rfind('an') }} "
                + "{{ 'banana'.count('a') }} {{ ', '.join(['x', 'y']) }} {{ ' '.isspace() }}"))
                .isEqualTo("1 -1 3 3 x, y true");
    }

    @Test
    void thinkSplittingAsInQwen3() {
        String t = "{% set c = messages[2].content %}"
                + "[{{ (c.split('</think>')|last).lstrip('\\n') }}]"
                + "[{{ ((c.split('</think>')|first).rstrip('\\n').split('<think>')|last).lstrip('\\n') }}]"
                + "[{{ c.split('</think>')[-1] }}]";
        assertThat(ChatTemplate.of("t", t, Map.of()).render(List.of(ChatMessage.user("q"), ChatMessage.user("q"),
                ChatMessage.assistant("<think>\nwhy\n</think>\n\nbecause")), false))
                .isEqualTo("[because][why][\n\nbecause]");
    }

    @Test
    void reversedSlices() {
        assertThat(render("{% for m in messages[::-1] %}{{ m.content }}{% endfor %}")).isEqualTo("U2A1U1S");
        assertThat(render("{{ [1, 2, 3, 4, 5][::2] }} {{ [1, 2, 3, 4, 5][::-2] }} {{ [1, 2, 3][1::-1] }} "
                + "{{ 'héllo 👋'[::-1] }} {{ [1, 2, 3][:-1] }} {{ 'abc'[1:] }}"))
                .isEqualTo("[1, 3, 5] [5, 3, 1] [2, 1] 👋 olléh [1, 2] bc");
        // the old Qwen pattern: walk backwards and compute the forward index
        assertThat(render("{% for m in messages[::-1] %}{% set i = (messages|length - 1) - loop.index0 %}"
                + "{{ i }}{{ m.role[0] }} {% endfor %}")).isEqualTo("3u 2a 1u 0s ");
    }

    @Test
    void filteredLoopsCountOnlyTheKeptItems() {
        // Jinja2: loop.index / loop.last / loop.length refer to the filtered sequence
        assertThat(render("{% for m in messages if m.role == 'user' %}{{ loop.index }}:{{ m.content }}"
                + "{% if not loop.last %}, {% endif %}{% endfor %}")).isEqualTo("1:U1, 2:U2");
        assertThat(render("{% for m in messages if m.role != 'system' %}{{ loop.index0 }}/{{ loop.length }}"
                + "{{ '.' if loop.last else ' ' }}{% endfor %}")).isEqualTo("0/3 1/3 2/3.");
        assertThat(render("{% for x in [1, 2, 3] if x > 5 %}{{ x }}{% else %}none{% endfor %}")).isEqualTo("none");
        assertThat(render("{% for k, v in {'a': 1, 'b': 2}.items() if v > 1 %}{{ k }}={{ v }}{% endfor %}"))
                .isEqualTo("b=2");
    }

    @Test
    void loopNeighbours() {
        assertThat(render("{% for m in messages %}{{ loop.previtem.role if loop.previtem }}>{{ m.role }}"
                + "{{ '>' ~ loop.nextitem.role if loop.nextitem }};{% endfor %}"))
                .isEqualTo(">system>user;system>user>assistant;user>assistant>user;assistant>user;");
    }

    @Test
    void tojsonUsesPythonSpacingAndKeepsUnicode() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "café \"q\"\n");
        value.put("n", 1.5);
        value.put("list", List.of(1, true, Map.of()));
        value.put("none", null);
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("v", value);
        assertThat(render("{{ v|tojson }}", kwargs))
                .isEqualTo("{\"name\": \"café \\\"q\\\"\\n\", \"n\": 1.5, \"list\": [1, true, {}], \"none\": null}");
        assertThat(render("{{ v.list|tojson(indent=2) }}", kwargs)).isEqualTo("[\n  1,\n  true,\n  {}\n]");
        assertThat(render("{{ v.name|tojson(ensure_ascii=true) }}", kwargs)).isEqualTo("\"caf\\u00e9 \\\"q\\\"\\n\"");
        assertThat(render("{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }} {{ [1, 2]|tojson(separators=[',', ':']) }}"))
                .isEqualTo("{\"a\": 2, \"b\": 1} [1,2]");
    }

    @Test
    void namespacesWithExpressionsInKeywordArguments() {
        assertThat(render("{% set ns = namespace(found=false, last=messages|length - 1) %}"
                + "{% for m in messages %}{% if m.role == 'assistant' %}{% set ns.found = true %}{% endif %}{% endfor %}"
                + "{{ ns.found }} {{ ns.last }}")).isEqualTo("true 3");
    }

    @Test
    void notCoversTheWholeComparison() {
        assertThat(render("{{ not 3 > 2 }} {{ not messages|length > 10 }} {{ not messages[0].content == '' }} "
                + "{{ messages[0].content is not none and not false }} {{ 'x' not in 'abc' }}"))
                .isEqualTo("false true true true true");
    }

    @Test
    void testsAndMembership() {
        assertThat(render("{{ messages[0].content is string }} {{ messages is string }} {{ messages[0].missing is none }} "
                + "{{ messages[0].missing is defined }} {{ enable_thinking is defined and enable_thinking is false }} "
                + "{{ 'U' in messages[1].content }} {{ messages|length }} {{ messages[-1].content }}",
                Map.of("enable_thinking", false)))
                .isEqualTo("true false true false true true 4 U2");
        assertThat(render("{% for k, v in messages[0].items() %}{{ k }}={{ v }};{% endfor %} "
                + "{{ messages[0].get('content') }} {{ messages[0].get('name', 'anon') }}"))
                .isEqualTo("role=system;content=S; S anon");
    }

    @Test
    void messageFieldsInEveryAccessForm() {
        ChatTemplate t = ChatTemplate.of("t", "{% for m in messages %}{{ m['role'] }}|{{ m.content }}|"
                + "{{ m.get('reasoning_content') }}|{{ m.reasoning_content is defined }}|{{ m['content'] is none }}|"
                + "{{ m.tool_call_id if m.tool_call_id is defined }};{% endfor %}", Map.of());
        assertThat(t.render(List.of(ChatMessage.assistant("A", "R"), ChatMessage.assistant(null),
                new ChatMessage("tool", "22", null, Map.of("tool_call_id", "call_1"))), false))
                .isEqualTo("assistant|A|R|true|false|;assistant|||false|true|;tool|22||false|false|call_1;");
    }

    @Test
    void raiseExceptionBecomesAClientError() {
        String template = "{% for m in messages %}{% if (m.role == 'user') != (loop.index0 % 2 == 1) %}"
                + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
                + "{% endif %}{% endfor %}ok";
        ChatTemplate t = ChatTemplate.of("alternating", template, Map.of());
        assertThat(t.render(MESSAGES, false)).isEqualTo("ok");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.render(List.of(ChatMessage.system("S"),
                        ChatMessage.assistant("A")), false))
                .isInstanceOf(ChatTemplateException.class).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chat template rejected the request: "
                        + "Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void strftimeNowReadsTheConfiguredClock() {
        ChatTemplate t = ChatTemplate.of("date", "Today Date: {{ strftime_now('%d %b %Y') }} ({{ strftime_now('%A') }})",
                Map.of()).withClock(Clock.fixed(Instant.parse("2025-03-07T14:05:09Z"), ZoneOffset.UTC));
        assertThat(t.render(List.of(), false)).isEqualTo("Today Date: 07 Mar 2025 (Friday)");
    }

    @Test
    void userTextIsNeverInterpretedAsTemplate() {
        String prompt = ChatTemplate.of("t", "{{ messages[0].content }}|{{ bos_token }}", Map.of("bos_token", "<s>"))
                .render(List.of(ChatMessage.user("{{ 7*7 }} {% if true %}x{% endif %} {{ bos_token }}")), false);
        assertThat(prompt).isEqualTo("{{ 7*7 }} {% if true %}x{% endif %} {{ bos_token }}|<s>");
    }

    @Test
    void whitespaceControlAsJinja2() {
        String template = "{%- for m in messages %}\n    {{- m.role }}\n    {%- if not loop.last %}\n"
                + "        {{- ',' }}\n    {%- endif %}\n{%- endfor %}\n{# note #}\nend {{ -1 }} {{- ' x' }}";
        // trim_blocks also eats the newline after the comment; "{{ -1 }}" is a negative number, not "{{-"
        assertThat(render(template)).isEqualTo("system,user,assistant,userend -1 x");
    }

    @Test
    void lstripBlocksOnlyStripsWhitespaceThatStartsALine() {
        // Jinjava's own lstrip would print "1,2," here
        assertThat(render("{% for x in [1, 2] %}{{ x }}, {% endfor %}")).isEqualTo("1, 2, ");
        assertThat(render("<ul>\n  {% for x in [1, 2] %}\n  <li>{{ x }}</li>\n  {% endfor %}\n</ul>"))
                .isEqualTo("<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>");
        assertThat(render("  {# c #}\n  {%+ if true %}x{% endif %}")).isEqualTo("  x");
        assertThat(render("{% if true +%}\nx{% endif %}")).isEqualTo("\nx");
    }

    @Test
    void addGenerationPromptAndSpecialTokensAreVariables() {
        ChatTemplate t = ChatTemplate.of("t", "{{ bos_token }}{% if add_generation_prompt %}GO{% endif %}"
                + "{% if eos_token is defined %}{{ eos_token }}{% endif %}", Map.of("bos_token", "<s>"));
        assertThat(t.render(List.of(), true)).isEqualTo("<s>GO");
        assertThat(t.render(List.of(), false)).isEqualTo("<s>");
    }
}
