package dev.infer.models.hub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds the pause between reads of a response body. {@link java.net.http.HttpClient}'s timeout covers only the
 * wait for headers; a server that stops sending mid-body would block a read forever. A virtual thread watches
 * the time since the last read and closes the stream when it passes the limit, which makes the blocked read
 * throw; we report that as a timeout so the download is retried (and resumed).
 */
final class StallGuard extends FilterInputStream {
    private final long limitNanos;
    private final Thread watcher;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean tripped;
    private volatile boolean closed;

    StallGuard(InputStream in, Duration limit) {
        super(in);
        this.limitNanos = limit.toNanos();
        this.watcher = Thread.ofVirtual().name("hub-stall-guard").start(this::watch);
    }

    private void watch() {
        long tick = Math.max(Math.min(limitNanos / 4, 250_000_000L), 1_000_000L);
        while (!closed) {
            if (System.nanoTime() - lastProgress > limitNanos) {
                tripped = true;
                try {
                    in.close();
                } catch (IOException ignored) {
                    // The reader sees the failure either way.
                }
                return;
            }
            LockSupport.parkNanos(tick);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = in.read(b, off, len);
            lastProgress = System.nanoTime();
            return n;
        } catch (IOException e) {
            if (tripped) {
                throw new HttpTimeoutException("no data received for " + Duration.ofNanos(limitNanos).toMillis()
                        + " ms");
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        LockSupport.unpark(watcher);
        super.close();
    }
}
