package dev.infer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infer.batching.thinking.ThinkingParams;
import dev.infer.server.serving.ThinkingSettings;

/**
 * The thinking fields of a chat request: {@code thinking_token_budget} (vLLM), {@code reasoning_effort}
 * (OpenAI: low / medium / high, budgets set on the command line), Anthropic's
 * {@code thinking: {"type": "enabled", "budget_tokens": N}} ({@code "disabled"} means a budget of 0), and
 * {@code min_thinking_tokens}. When several set a budget, the first in that order wins.
 */
final class ThinkingFields {
    private ThinkingFields() {
    }

    static ThinkingParams parse(JsonNode root, ThinkingSettings settings) {
        Integer budget = OpenAiRequestParser.integer(root, "thinking_token_budget");
        if (budget != null && budget < 0) {
            throw ApiException.badRequest("thinking_token_budget must be >= 0, got " + budget, "thinking_token_budget");
        }
        if (budget == null) {
            budget = anthropic(root.get("thinking"));
        }
        String effort = OpenAiRequestParser.string(root, "reasoning_effort");
        if (budget == null && effort != null) {
            try {
                budget = settings.budgetFor(effort);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage(), "reasoning_effort");
            }
        }
        Integer min = OpenAiRequestParser.integer(root, "min_thinking_tokens");
        try {
            return new ThinkingParams(budget == null ? ThinkingParams.UNBOUNDED : budget, min == null ? 0 : min);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), "min_thinking_tokens");
        }
    }

    private static Integer anthropic(JsonNode thinking) {
        if (thinking == null || thinking.isNull()) {
            return null;
        }
        if (!thinking.isObject()) {
            throw ApiException.badRequest("thinking must be an object such as {\"type\":\"enabled\",\"budget_tokens\":"
                    + "1024}", "thinking");
        }
        String type = OpenAiRequestParser.string(thinking, "type");
        if ("disabled".equals(type)) {
            return 0;
        }
        if (!"enabled".equals(type)) {
            throw ApiException.badRequest("thinking.type must be \"enabled\" or \"disabled\", got " + type, "thinking");
        }
        Integer budget = OpenAiRequestParser.integer(thinking, "budget_tokens");
        if (budget == null || budget < 0) {
            throw ApiException.badRequest("thinking.budget_tokens must be an integer >= 0 when thinking is enabled",
                    "thinking");
        }
        return budget;
    }
}
