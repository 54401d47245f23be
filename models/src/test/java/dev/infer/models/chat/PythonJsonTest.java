package dev.infer.models.chat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected strings are what CPython's json.dumps prints for the same values. */
class PythonJsonTest {
    private static String dumps(Object value) {
        return PythonJson.dumps(value, PythonJson.Options.HF_DEFAULT);
    }

    @Test
    void floatsAsPythonRepr() {
        assertThat(PythonJson.pythonFloat(0.1)).isEqualTo("0.1");
        assertThat(PythonJson.pythonFloat(1.0)).isEqualTo("1.0");
        assertThat(PythonJson.pythonFloat(-2.5)).isEqualTo("-2.5");
        assertThat(PythonJson.pythonFloat(0.0001)).isEqualTo("0.0001");
        assertThat(PythonJson.pythonFloat(0.00001)).isEqualTo("1e-05");
        assertThat(PythonJson.pythonFloat(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(PythonJson.pythonFloat(123456789.0)).isEqualTo("123456789.0");
        assertThat(PythonJson.pythonFloat(1234567890123456.0)).isEqualTo("1234567890123456.0");
        assertThat(PythonJson.pythonFloat(1e16)).isEqualTo("1e+16");
        assertThat(PythonJson.pythonFloat(12345678901234567.0)).isEqualTo("1.2345678901234568e+16");
        assertThat(PythonJson.pythonFloat(1e100)).isEqualTo("1e+100");
        assertThat(PythonJson.pythonFloat(0.0)).isEqualTo("0.0");
        assertThat(PythonJson.pythonFloat(-0.0)).isEqualTo("-0.0");
        assertThat(PythonJson.pythonFloat(Double.NaN)).isEqualTo("NaN");
        assertThat(PythonJson.pythonFloat(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    }

    @Test
    void separatorsAndOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", Arrays.asList(1L, 2.0, null, false));
        m.put("e", Map.of());
        assertThat(dumps(m)).isEqualTo("{\"z\": 1, \"a\": [1, 2.0, null, false], \"e\": {}}");
        assertThat(PythonJson.dumps(m, new PythonJson.Options(false, null, null, null, true)))
                .isEqualTo("{\"a\": [1, 2.0, null, false], \"e\": {}, \"z\": 1}");
    }

    @Test
    void indentation() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1, 2));
        m.put("b", new ArrayList<>());
        assertThat(PythonJson.dumps(m, new PythonJson.Options(false, "  ", null, null, false)))
                .isEqualTo("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": []\n}");
        assertThat(PythonJson.dumps(List.of(1), new PythonJson.Options(false, "", null, null, false)))
                .isEqualTo("[\n1\n]");
    }

    @Test
    void stringEscapes() {
        assertThat(dumps("a\"b\\c\n\t\r\b\f\u0001 é 東京 👋 \u007f")).isEqualTo(
                "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001 é 東京 👋 \u007f\"");
        assertThat(PythonJson.dumps("é 👋 \u007f", new PythonJson.Options(true, null, null, null, false)))
                .isEqualTo("\"\\u00e9 \\ud83d\\udc4b \\u007f\"");
        assertThat(PythonJson.dumps("</script>", PythonJson.Options.HF_DEFAULT)).isEqualTo("\"</script>\"");
    }

    @Test
    void keysAreConvertedLikePython() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(1, "int");
        m.put(true, "bool");
        m.put(1.5, "float");
        assertThat(dumps(m)).isEqualTo("{\"1\": \"int\", \"true\": \"bool\", \"1.5\": \"float\"}");
        assertThatThrownBy(() -> dumps(Map.of("k", new Object()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON serializable");
    }
}
