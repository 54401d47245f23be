package dev.infer.models.hub;

/**
 * The hub could not provide a model: not found, not authorized, unreachable, or not cached while offline.
 * The message says what to do about it (set HF_TOKEN, check the repo id, go online...).
 */
public class HubException extends RuntimeException {
    private final boolean retryable;

    public HubException(String message) {
        this(message, null, false);
    }

    public HubException(String message, Throwable cause) {
        this(message, cause, false);
    }

    HubException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Transient failures (network, 5xx, 429) that another attempt may get past. */
    boolean retryable() {
        return retryable;
    }
}
