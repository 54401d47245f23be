package dev.infer.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.UUID;

/** The fields every response and chunk of one request repeat: id, created, model. */
record ResponseHeader(String id, long created, String model) {
    static ResponseHeader create(String prefix, String model) {
        return new ResponseHeader(prefix + UUID.randomUUID().toString().replace("-", ""),
                System.currentTimeMillis() / 1000, model);
    }

    ObjectNode node(String object) {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("object", object).put("created", created)
                .put("model", model);
    }
}
