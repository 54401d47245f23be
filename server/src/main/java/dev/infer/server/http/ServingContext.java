package dev.infer.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infer.server.metrics.ServerMetrics;
import dev.infer.server.serving.ServedModel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** What every connection shares: the served model, the JSON mapper, the API key, the metrics, and the draining flag. */
public final class ServingContext {
    private final ServedModel model;
    private final ObjectMapper mapper = new ObjectMapper();
    private final byte[] apiKeyDigest;
    private final ServerMetrics metrics;
    private volatile boolean draining;

    ServingContext(ServedModel model, String apiKey) {
        this.model = model;
        this.apiKeyDigest = apiKey == null ? null : sha256(apiKey);
        this.metrics = new ServerMetrics(model.servedName(), model.contextLength(), () -> model.loop().stats());
        model.loop().observeSteps(metrics::onStep);
    }

    /** This server's Prometheus metrics (its own registry). */
    public ServerMetrics metrics() {
        return metrics;
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
