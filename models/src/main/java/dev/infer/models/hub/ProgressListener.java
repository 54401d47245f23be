package dev.infer.models.hub;

/**
 * Hears how downloads progress. Calls for one file come from one thread, in order: {@code fileStarted},
 * {@code bytes}..., {@code fileFinished}. Sizes are -1 when the server did not say.
 */
public interface ProgressListener {
    /** A transfer begins; {@code resumedFrom} bytes are already on disk from an earlier attempt. */
    void fileStarted(String file, long totalBytes, long resumedFrom);

    /** {@code doneBytes} of {@code totalBytes} are on disk (including any resumed part). */
    void bytes(String file, long doneBytes, long totalBytes);

    void fileFinished(String file, long totalBytes);

    /** Something worth telling a person that is not a byte count: a retry, a wait for another process. */
    default void note(String message) {
    }

    static ProgressListener silent() {
        return new ProgressListener() {
            @Override
            public void fileStarted(String file, long totalBytes, long resumedFrom) {
            }

            @Override
            public void bytes(String file, long doneBytes, long totalBytes) {
            }

            @Override
            public void fileFinished(String file, long totalBytes) {
            }
        };
    }

    /** Progress on standard error: a live bar on a terminal, one line per file otherwise (logs, CI). */
    static ProgressListener console() {
        return new ConsoleProgress(System.err, ConsoleProgress.stderrIsTerminal());
    }
}
