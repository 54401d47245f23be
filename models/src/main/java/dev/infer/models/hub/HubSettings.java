package dev.infer.models.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hub settings read from the same environment variables as Python's {@code huggingface_hub}, so both share
 * one cache and one token. The environment is passed in (not read from {@link System#getenv()} inside) so
 * tests and embedders can supply their own.
 *
 * @param endpoint        {@code HF_ENDPOINT}, default {@code https://huggingface.co}
 * @param token           {@code HF_TOKEN} (or the token file {@code huggingface-cli login} writes); null if none
 * @param offline         {@code HF_HUB_OFFLINE} is 1/true/yes/on: never touch the network
 * @param hubCache        {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 *                        {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}
 * @param requestTimeout  {@code HF_HUB_ETAG_TIMEOUT} (s, default 10): connect and wait for response headers
 * @param idleTimeout     {@code HF_HUB_DOWNLOAD_TIMEOUT} (s, default 10): longest pause within a download
 * @param maxAttempts     tries per request before a transient failure is reported
 * @param retryDelay      pause before the first retry; doubles per attempt
 */
public record HubSettings(URI endpoint, String token, boolean offline, Path hubCache, Duration requestTimeout,
                          Duration idleTimeout, int maxAttempts, Duration retryDelay) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "true", "yes", "on");

    public HubSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static HubSettings fromEnvironment() {
        return fromEnv(System.getenv());
    }

    public static HubSettings fromEnv(Map<String, String> env) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        String endpoint = nonBlank(env.get("HF_ENDPOINT"), DEFAULT_ENDPOINT).strip();
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        Path hfHome = Path.of(expand(nonBlank(env.get("HF_HOME"),
                nonBlank(env.get("XDG_CACHE_HOME"), home + "/.cache") + "/huggingface"), home));
        String hubCache = nonBlank(env.get("HF_HUB_CACHE"), env.get("HUGGINGFACE_HUB_CACHE"));
        return new HubSettings(
                URI.create(endpoint),
                token(env, hfHome, home),
                isTrue(env.get("HF_HUB_OFFLINE")),
                hubCache != null ? Path.of(expand(hubCache, home)) : hfHome.resolve("hub"),
                seconds(env, "HF_HUB_ETAG_TIMEOUT", 10),
                seconds(env, "HF_HUB_DOWNLOAD_TIMEOUT", 10),
                5,
                Duration.ofSeconds(1));
    }

    public HubSettings withRetries(int maxAttempts, Duration retryDelay) {
        return new HubSettings(endpoint, token, offline, hubCache, requestTimeout, idleTimeout, maxAttempts, retryDelay);
    }

    public HubSettings withTimeouts(Duration requestTimeout, Duration idleTimeout) {
        return new HubSettings(endpoint, token, offline, hubCache, requestTimeout, idleTimeout, maxAttempts, retryDelay);
    }

    /** HF_TOKEN, then the legacy HUGGING_FACE_HUB_TOKEN, then the file {@code huggingface-cli login} writes. */
    private static String token(Map<String, String> env, Path hfHome, String home) {
        String token = nonBlank(env.get("HF_TOKEN"), env.get("HUGGING_FACE_HUB_TOKEN"));
        if (token != null) {
            return token.strip();
        }
        Path file = Path.of(expand(nonBlank(env.get("HF_TOKEN_PATH"), hfHome.resolve("token").toString()), home));
        try {
            return Files.isRegularFile(file) ? nonBlank(Files.readString(file, StandardCharsets.UTF_8).strip(), null)
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    static boolean isTrue(String value) {
        return value != null && TRUE.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    private static Duration seconds(Map<String, String> env, String name, long fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return Duration.ofSeconds(fallback);
        }
        try {
            double s = Double.parseDouble(v.strip());
            if (s > 0) {
                return Duration.ofMillis((long) (s * 1000));
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(name + " must be a positive number of seconds, got \"" + v + "\"");
    }

    private static String expand(String path, String home) {
        return path.equals("~") ? home : path.startsWith("~/") ? home + path.substring(1) : path;
    }

    private static String nonBlank(String value, String fallback) {
        return value != null && !value.isBlank() ? value : fallback;
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", offline="
                + offline + ", hubCache=" + hubCache + ", requestTimeout=" + requestTimeout + ", idleTimeout="
                + idleTimeout + ", maxAttempts=" + maxAttempts + ", retryDelay=" + retryDelay + "]";
    }
}
