package dev.infer.server.cli;

import dev.infer.models.ModelFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/inference-server}: the program's entry point. */
@Command(name = "inference-server", mixinStandardHelpOptions = true, version = "inference-server 0.1.0",
        description = "A JVM-native LLM inference server.",
        subcommands = {GenerateCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this directly). */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs with the given output streams (tests capture them). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new Main())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::reportError)
                .execute(args);
    }

    /** User errors (bad input, bad model files) are one clear line, not a stack trace. */
    private static int reportError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof IllegalArgumentException || e instanceof ModelFormatException
                || e instanceof IllegalStateException) {
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
        }
        e.printStackTrace(cmd.getErr());
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
