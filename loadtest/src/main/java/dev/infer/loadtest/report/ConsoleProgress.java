package dev.infer.loadtest.report;

import dev.infer.loadtest.load.LoadLevel;
import dev.infer.loadtest.load.Progress;
import dev.infer.loadtest.load.RunSettings;
import dev.infer.loadtest.metrics.Outcome;
import dev.infer.loadtest.metrics.RequestRecord;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on the console (rewritten in place with '\r', at most every 200 ms): the share of the
 * request budget, or of the time limit when there is no budget, plus counts by outcome.
 */
public final class ConsoleProgress implements Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private LoadLevel level;
    private RunSettings settings;
    private long startNanos;
    private long lastPrint;
    private int done;
    private int ok;
    private int failed;

    public ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void levelStarted(LoadLevel level, RunSettings settings) {
        this.level = level;
        this.settings = settings;
        this.startNanos = System.nanoTime();
        this.done = 0;
        this.ok = 0;
        this.failed = 0;
        print();
    }

    @Override
    public synchronized void requestDone(RequestRecord r) {
        done++;
        if (r.outcome() == Outcome.OK) {
            ok++;
        } else if (r.outcome() != Outcome.CANCELLED) {
            failed++;
        }
        if (System.nanoTime() - lastPrint > 200_000_000L) {
            print();
        }
    }

    @Override
    public synchronized void levelDone(LoadLevel level) {
        print();
        out.println();
    }

    private void print() {
        lastPrint = System.nanoTime();
        double elapsedS = (lastPrint - startNanos) / 1e9;
        double share = settings.maxRequests() > 0 ? (double) done / settings.maxRequests()
                : elapsedS / (settings.maxDuration().toMillis() / 1000.0);
        int filled = (int) Math.round(Math.min(1, share) * WIDTH);
        out.print(String.format(Locale.ROOT, "\r%-18s [%s%s] %d%s req  %.1fs  ok %d  failed %d", level.label(),
                "#".repeat(filled), "-".repeat(WIDTH - filled), done,
                settings.maxRequests() > 0 ? "/" + settings.maxRequests() : "", elapsedS, ok, failed));
        out.flush();
    }
}
