package dev.infer.server.http;

import java.util.ArrayList;
import java.util.List;

/** Splits an SSE body into its {@code data:} payloads, checking the framing on the way. */
final class SseEvents {
    private SseEvents() {
    }

    static List<String> parse(String body) {
        List<String> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            if (!event.startsWith("data: ")) {
                throw new AssertionError("not an SSE data event: " + event);
            }
            events.add(event.substring("data: ".length()));
        }
        if (!body.endsWith("\n\n")) {
            throw new AssertionError("the stream does not end with a blank line");
        }
        return events;
    }
}
