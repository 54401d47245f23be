package dev.infer.models.hub;

import java.io.IOException;
import java.time.Duration;

/** Runs one hub call, retrying transient failures with exponential backoff; permanent ones fail at once. */
final class Retry {
    interface Call<T> {
        T call() throws IOException;
    }

    private Retry() {
    }

    static <T> T run(HubSettings settings, String what, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            HubException failure;
            try {
                return call.call();
            } catch (HubException e) {
                failure = e;
            } catch (IOException e) {
                failure = HubErrors.network(settings, what, e);
            }
            if (!failure.retryable() || attempt >= settings.maxAttempts()) {
                throw failure;
            }
            sleep(backoff(settings, attempt));
        }
    }

    static Duration backoff(HubSettings settings, int attempt) {
        long factor = 1L << Math.min(attempt - 1, 5);
        return settings.retryDelay().multipliedBy(factor);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while waiting to retry", e);
        }
    }
}
