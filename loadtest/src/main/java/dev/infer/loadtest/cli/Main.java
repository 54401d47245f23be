package dev.infer.loadtest.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code loadtest}: run load against a server ({@code run}) or render reports from result files ({@code report}). */
@Command(name = "loadtest", mixinStandardHelpOptions = true, version = "loadtest 0.1",
        description = "Load-test an OpenAI-compatible HTTP server or our gRPC API and report latency and throughput.",
        subcommands = {RunCommand.class, ReportCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        // Bad settings are the user's to fix: say what is wrong in one line, no stack trace.
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cl, parsed) -> {
            if (!(e instanceof IllegalArgumentException)) {
                throw e;
            }
            cl.getErr().println("error: " + e.getMessage());
            return 2;
        });
    }
}
