package dev.infer.loadtest.client;

import java.net.URI;

/** Where an OpenAI-compatible server is and how to call it: base URL (e.g. http://host:8000), endpoint, model. */
public record OpenAiTarget(URI baseUrl, boolean chat, String model, String apiKey, double temperature,
                           String extraBody) {
    /** The endpoint URL under the base: {@code /v1/chat/completions} or {@code /v1/completions}. */
    public URI endpoint() {
        String base = baseUrl.toString().replaceAll("/+$", "");
        String v1 = base.endsWith("/v1") ? base : base + "/v1";
        return URI.create(v1 + (chat ? "/chat/completions" : "/completions"));
    }
}
