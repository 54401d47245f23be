package dev.infer.loadtest.client;

import java.time.Duration;

/** A server under test. {@link #send} blocks until the request ends, is cancelled, or passes its timeout. */
public interface TargetClient extends AutoCloseable {
    ClientResult send(GenerationRequest request, Duration timeout);

    /** Whether it can send chat histories (multi-turn datasets). */
    boolean supportsChat();

    @Override
    void close();
}
