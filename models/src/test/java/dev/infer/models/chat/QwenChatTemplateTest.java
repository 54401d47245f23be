package dev.infer.models.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.models.testing.SharedModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expected prompts are written out by hand from the templates' logic, i.e. what transformers'
 * {@code apply_chat_template(messages, tokenize=False, ...)} produces.
 */
class QwenChatTemplateTest {
    private static final String QWEN_DEFAULT_SYSTEM =
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n";
    private static final String TOOLS_JSON = """
            [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather",
              "parameters": {"type": "object", "properties": {"city": {"type": "string",
              "description": "City name, e.g. 東京"}}, "required": ["city"]}}}]""";
    private static final String TOOL_LINE = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
            + "\"description\": \"Get the weather\", \"parameters\": {\"type\": \"object\", \"properties\": "
            + "{\"city\": {\"type\": \"string\", \"description\": \"City name, e.g. 東京\"}}, \"required\": [\"city\"]}}}";
    private static final String TOOLS_INSTRUCTIONS = "# Tools\n\nYou may call one or more functions to assist with "
            + "the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
            + TOOL_LINE + "\n</tools>\n\nFor each function call, return a json object with function name and "
            + "arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, "
            + "\"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";
    private static final Map<String, Object> WEATHER_CALL =
            Map.of("type", "function", "function", Map.of("name", "get_weather", "arguments", Map.of("city", "Paris")));

    private static ChatTemplate qwen25() {
        return ChatTemplate.fromModelDir(SharedModels.model("qwen2.5-0.5b-shape"));
    }

    private static ChatTemplate qwen3() {
        return ChatTemplate.fromModelDir(SharedModels.model("qwen3-0.6b-shape"));
    }

    private static JsonNode tools() throws Exception {
        return new ObjectMapper().readTree(TOOLS_JSON);
    }

    @Test
    void qwen25WithSystemMessage() {
        String prompt = qwen25().render(List.of(ChatMessage.system("You are a helpful bot."),
                ChatMessage.user("Hello!")), true);
        assertThat(prompt).isEqualTo("<|im_start|>system\nYou are a helpful bot.<|im_end|>\n"
                + "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen25WithoutSystemMessageUsesItsDefault() {
        String prompt = qwen25().render(List.of(ChatMessage.user("Hello!")), true);
        assertThat(prompt).isEqualTo(QWEN_DEFAULT_SYSTEM + "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen25MultiTurnWithoutGenerationPrompt() {
        List<ChatMessage> conversation = List.of(ChatMessage.system("S"), ChatMessage.user("U1"),
                ChatMessage.assistant("A1"), ChatMessage.user("U2"));
        assertThat(qwen25().render(conversation, false)).isEqualTo("<|im_start|>system\nS<|im_end|>\n"
                + "<|im_start|>user\nU1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n<|im_start|>user\nU2<|im_end|>\n");
    }

    @Test
    void qwen25FileAndTokenizerConfigRenderAlike() {
        ChatTemplate file = ChatTemplate.fromFile(SharedModels.chatTemplates().resolve("Qwen-Qwen2.5-7B-Instruct.jinja"),
                Map.of("eos_token", "<|im_end|>"));
        List<ChatMessage> conversation = List.of(ChatMessage.user("U1"), ChatMessage.assistant("A1"),
                ChatMessage.user("U2"));
        assertThat(file.render(conversation, true)).isEqualTo(qwen25().render(conversation, true))
                .isEqualTo(QWEN_DEFAULT_SYSTEM + "<|im_start|>user\nU1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n"
                        + "<|im_start|>user\nU2<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen25ToolsCallsAndResponses() throws Exception {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris?"),
                new ChatMessage("assistant", null, null, Map.of("tool_calls", List.of(WEATHER_CALL))),
                ChatMessage.tool("22°C"));
        String prompt = qwen25().render(conversation, true, Map.of("tools", tools()));
        assertThat(prompt).isEqualTo("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
                + "assistant.\n\n" + TOOLS_INSTRUCTIONS
                + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
                + "</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\n22°C\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3ThinkingIsTheDefault() {
        List<ChatMessage> conversation = List.of(ChatMessage.system("S"), ChatMessage.user("Hi"));
        String expected = "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
        assertThat(qwen3().render(conversation, true)).isEqualTo(expected);
        assertThat(qwen3().render(conversation, true, Map.of("enable_thinking", true))).isEqualTo(expected);
    }

    @Test
    void qwen3WithThinkingDisabledOpensAnEmptyThinkBlock() {
        String prompt = qwen3().render(List.of(ChatMessage.user("Hi")), true, Map.of("enable_thinking", false));
        // no system message: Qwen3 has no default system prompt
        assertThat(prompt).isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void qwen3DropsReasoningOfEarlierTurns() {
        List<ChatMessage> conversation = List.of(ChatMessage.system("S"), ChatMessage.user("U1"),
                ChatMessage.assistant("<think>\nR1\n</think>\n\nA1"), ChatMessage.user("U2"));
        // last_query_index is the last user message (3): the assistant turn before it loses its <think> block
        assertThat(qwen3().render(conversation, true)).isEqualTo("<|im_start|>system\nS<|im_end|>\n"
                + "<|im_start|>user\nU1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n"
                + "<|im_start|>user\nU2<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen3KeepsReasoningAfterTheLastQuery() {
        String expected = "<|im_start|>user\nU1<|im_end|>\n<|im_start|>assistant\n<think>\nR1\n</think>\n\nA1<|im_end|>\n";
        assertThat(qwen3().render(List.of(ChatMessage.user("U1"),
                ChatMessage.assistant("<think>\nR1\n</think>\n\nA1")), false)).isEqualTo(expected);
        // the same from a separate reasoning_content field
        assertThat(qwen3().render(List.of(ChatMessage.user("U1"), ChatMessage.assistant("A1", "R1")), false))
                .isEqualTo(expected);
        // ... which is dropped like inline reasoning in earlier turns
        assertThat(qwen3().render(List.of(ChatMessage.user("U1"), ChatMessage.assistant("A1", "R1"),
                ChatMessage.user("U2")), true)).isEqualTo("<|im_start|>user\nU1<|im_end|>\n<|im_start|>assistant\n"
                + "A1<|im_end|>\n<|im_start|>user\nU2<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen3ToolStepsKeepTheirReasoning() {
        // After the user's question come an assistant tool call and a tool response: both lie after
        // last_query_index, so the assistant's reasoning stays in the prompt for the next step.
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("What's the weather in Paris?"),
                new ChatMessage("assistant", "", "Need to call the tool.", Map.of("tool_calls", List.of(WEATHER_CALL))),
                ChatMessage.tool("22°C"));
        assertThat(qwen3().render(conversation, true)).isEqualTo(
                "<|im_start|>user\nWhat's the weather in Paris?<|im_end|>\n"
                        + "<|im_start|>assistant\n<think>\nNeed to call the tool.\n</think>\n\n"
                        + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"
                        + "<|im_end|>\n"
                        + "<|im_start|>user\n<tool_response>\n22°C\n</tool_response><|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3RendersToolsWithTojsonSpacing() throws Exception {
        String prompt = qwen3().render(List.of(ChatMessage.system("S"), ChatMessage.user("Hi")), true,
                Map.of("tools", tools()));
        assertThat(prompt).isEqualTo("<|im_start|>system\nS\n\n" + TOOLS_INSTRUCTIONS
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void messagesAsMapsFromRequestJson() throws Exception {
        List<Map<String, Object>> messages = new ObjectMapper().readValue(
                "[{\"role\": \"user\", \"content\": \"Hi\"}]", new com.fasterxml.jackson.core.type.TypeReference<>() {
                });
        assertThat(qwen3().renderMaps(messages, true, Map.of("enable_thinking", false)))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }
}
