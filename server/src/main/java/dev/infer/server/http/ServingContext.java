package dev.infer.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.server.serving.ServedModel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** What every connection shares: the served model, the JSON mapper, the API key, and the draining flag. */
public final class ServingContext {
    private final ServedModel model;
    private final ObjectMapper mapper = new ObjectMapper();
    private final byte[] apiKeyDigest;
    private volatile boolean draining;

    ServingContext(ServedModel model, String apiKey) {
        this.model = model;
        this.apiKeyDigest = apiKey == null ? null : sha256(apiKey);
    }

    public ServedModel model() {
        return model;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }

    boolean requiresKey() {
        return apiKeyDigest != null;
    }

    /** Compares digests with {@link MessageDigest#isEqual}: constant time, and no length leak. */
    boolean keyMatches(String presented) {
        return presented != null && MessageDigest.isEqual(apiKeyDigest, sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
