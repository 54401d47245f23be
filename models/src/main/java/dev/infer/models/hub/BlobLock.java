package dev.infer.models.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Exclusive right to download one blob, across processes (an OS file lock on the lock file huggingface_hub
 * uses) and across threads of this JVM (where the OS lock is per process, {@code tryLock} reports an
 * overlapping lock, which we treat the same as another holder). A waiter gives up only if the holder makes no
 * progress — the {@code .incomplete} file stops growing — for {@code stallLimit}, so a slow but live download is
 * never interrupted, and a hung one cannot block us forever.
 */
final class BlobLock implements AutoCloseable {
    private static final long POLL_MILLIS = 100;

    private final FileChannel channel;
    private final FileLock lock;

    private BlobLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static BlobLock acquire(Path lockFile, Path watched, Duration stallLimit, ProgressListener listener, String what)
            throws IOException {
        Files.createDirectories(lockFile.getParent());
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            long lastSize = -1;
            long lastChange = System.nanoTime();
            boolean told = false;
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return new BlobLock(channel, lock);
                }
                if (!told) {
                    listener.note("waiting for another download of " + what + " to finish (" + lockFile + ")");
                    told = true;
                }
                long size = Files.exists(watched) ? Files.size(watched) : -1;
                if (size != lastSize) {
                    lastSize = size;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > stallLimit.toNanos()) {
                    throw new HubException("another download of " + what + " holds " + lockFile + " but has made no "
                            + "progress for " + stallLimit.toSeconds() + " s; stop it, or delete the lock file if no "
                            + "download is running");
                }
                Retry.sleep(Duration.ofMillis(POLL_MILLIS));
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
