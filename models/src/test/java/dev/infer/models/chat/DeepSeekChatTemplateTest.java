package dev.infer.models.chat;

import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected prompts written out by hand from the DeepSeek-R1 templates' logic. */
class DeepSeekChatTemplateTest {
    private static final String BOS = "<｜begin▁of▁sentence｜>";
    private static final Map<String, String> TOKENS = Map.of("bos_token", BOS, "eos_token", "<｜end▁of▁sentence｜>");
    private static final List<ChatMessage> MULTI_TURN = List.of(ChatMessage.system("S"), ChatMessage.user("U1"),
            ChatMessage.assistant("<think>\nR1\n</think>\n\nA1"), ChatMessage.user("U2"));

    private static ChatTemplate template(String file) {
        return ChatTemplate.fromFile(SharedModels.chatTemplates().resolve(file), TOKENS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja", "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja"})
    void systemAndUserOpenTheThinkBlock(String file) {
        assertThat(template(file).render(List.of(ChatMessage.system("You are a helpful assistant."),
                ChatMessage.user("Hello!")), true))
                .isEqualTo(BOS + "You are a helpful assistant.<｜User｜>Hello!<｜Assistant｜><think>\n");
        assertThat(template(file).render(List.of(ChatMessage.user("Hello!")), true))
                .isEqualTo(BOS + "<｜User｜>Hello!<｜Assistant｜><think>\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja", "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja"})
    void earlierAnswersLoseEverythingUpToThinkEnd(String file) {
        // content.split('</think>')[-1] keeps the "\n\n" that followed </think>
        String history = BOS + "S<｜User｜>U1<｜Assistant｜>\n\nA1<｜end▁of▁sentence｜><｜User｜>U2";
        assertThat(template(file).render(MULTI_TURN, true)).isEqualTo(history + "<｜Assistant｜><think>\n");
        assertThat(template(file).render(MULTI_TURN, false)).isEqualTo(history);
    }

    @Test
    void toolCallsAndOutputs() {
        Map<String, Object> call = new HashMap<>();
        call.put("role", "assistant");
        call.put("content", null); // "message['content'] is none" selects the tool-call branch
        call.put("tool_calls", List.of(Map.of("type", "function",
                "function", Map.of("name", "get_weather", "arguments", "{\"city\": \"Paris\"}"))));
        List<Map<String, Object>> conversation = List.of(Map.of("role", "user", "content", "U"), call,
                Map.of("role", "tool", "content", "22°C"));
        // with one call this template never closes <｜tool▁calls▁begin｜> (its else branch does): reproduced as is
        assertThat(template("deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja").renderMaps(conversation, true, Map.of()))
                .isEqualTo(BOS + "<｜User｜>U<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>"
                        + "get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>"
                        + "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>22°C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>");
    }

    @Test
    void llamaCppVariantEndsUserTurnsAndUsesMacros() {
        ChatTemplate t = template("llama-cpp-deepseek-r1.jinja");
        String history = BOS + "S<｜User｜>U1<｜end▁of▁sentence｜><｜Assistant｜>\n\nA1<｜end▁of▁sentence｜>"
                + "<｜User｜>U2<｜end▁of▁sentence｜>";
        assertThat(t.render(MULTI_TURN, true)).isEqualTo(history + "<｜Assistant｜><think>\n");
        assertThat(t.render(MULTI_TURN, false)).isEqualTo(history);
    }

    @Test
    void llamaCppVariantListsToolsWithIndentedJson() {
        Map<String, Object> function = new java.util.LinkedHashMap<>();
        function.put("name", "get_weather");
        function.put("parameters", Map.of("type", "object"));
        List<Map<String, Object>> tools = List.of(Map.of("type", "function", "function", function));
        String prompt = template("llama-cpp-deepseek-r1.jinja").render(
                List.of(ChatMessage.system("S"), ChatMessage.user("Hi")), true, Map.of("tools", tools));
        assertThat(prompt).isEqualTo(BOS
                + "You can call any of the following function tools to satisfy the user's requests: [\n"
                + "  {\n    \"name\": \"get_weather\",\n    \"parameters\": {\n      \"type\": \"object\"\n    }\n  }\n]\n"
                + "\nExample function tool call syntax:\n\n"
                + "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>example_function_name\n"
                + "```json\n{\n  \"arg1\": \"some_value\"\n  ...\n}\n```\n<｜tool▁call▁end｜><｜tool▁calls▁end｜>\n\n"
                + "S<｜User｜>Hi<｜end▁of▁sentence｜><｜Assistant｜><think>\n");
    }
}
