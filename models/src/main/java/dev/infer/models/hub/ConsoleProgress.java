package dev.infer.models.hub;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The default {@link ProgressListener}. On a terminal it redraws one line per file, at most ten times a second:
 * {@code model.safetensors [#########.........]  812.3 MB / 1.98 GB  45.1 MB/s}. Elsewhere (logs, CI) it prints
 * one line per finished file, since carriage returns make logs unreadable.
 */
public final class ConsoleProgress implements ProgressListener {
    private static final int BAR = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private long startNanos;
    private long resumedFrom;
    private long lastDraw;
    private int lastWidth;

    public ConsoleProgress(PrintStream out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    ConsoleProgress(PrintStream out, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
    }

    /**
     * Whether standard error is a terminal. {@link System#console()} only tells about stdin/stdout, so on Linux we
     * look at what file descriptor 2 points to; elsewhere we assume a terminal only if there is a console.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null && System.console().isTerminal();
        }
    }

    @Override
    public synchronized void fileStarted(String file, long totalBytes, long resumedFrom) {
        this.startNanos = clock.getAsLong();
        this.resumedFrom = resumedFrom;
        this.lastDraw = 0;
        this.lastWidth = 0;
        if (terminal) {
            draw(file, resumedFrom, totalBytes);
        }
    }

    @Override
    public synchronized void bytes(String file, long doneBytes, long totalBytes) {
        long now = clock.getAsLong();
        if (terminal && now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(file, doneBytes, totalBytes);
        }
    }

    @Override
    public synchronized void fileFinished(String file, long totalBytes) {
        if (terminal) {
            draw(file, totalBytes, totalBytes);
            out.println();
        } else {
            double seconds = Math.max((clock.getAsLong() - startNanos) / 1e9, 1e-3);
            out.printf(Locale.ROOT, "downloaded %s (%s) in %.1f s, %s/s%n", file, size(totalBytes), seconds,
                    size((long) ((totalBytes - resumedFrom) / seconds)));
        }
        out.flush();
    }

    @Override
    public synchronized void note(String message) {
        if (terminal && lastWidth > 0) {
            out.println();
            lastWidth = 0;
        }
        out.println(message);
        out.flush();
    }

    private void draw(String file, long done, long total) {
        double seconds = Math.max((clock.getAsLong() - startNanos) / 1e9, 1e-3);
        String rate = size((long) ((done - resumedFrom) / seconds)) + "/s";
        String line;
        if (total > 0) {
            int filled = (int) Math.min(BAR, done * BAR / total);
            line = String.format(Locale.ROOT, "%s [%s%s] %s / %s  %s", file, "#".repeat(filled),
                    ".".repeat(BAR - filled), size(done), size(total), rate);
        } else {
            line = String.format(Locale.ROOT, "%s %s  %s", file, size(done), rate);
        }
        int pad = Math.max(0, lastWidth - line.length());
        out.print("\r" + line + " ".repeat(pad));
        lastWidth = line.length();
        out.flush();
    }

    /** Decimal units, like huggingface_hub's progress bars. */
    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
