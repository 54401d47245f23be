package dev.infer.loadtest.cli;

/** Runs the command line in-process (tests in other packages), returning its exit code. */
public final class MainAccess {
    private MainAccess() {
    }

    public static int execute(String... args) {
        return Main.commandLine().execute(args);
    }
}
