package dev.infer.loadtest.cli;

import dev.infer.loadtest.report.ConsoleSummary;
import dev.infer.loadtest.report.HtmlReport;
import dev.infer.loadtest.report.ResultFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code report}: one HTML report comparing result files side by side (e.g. two servers, two engines). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render an HTML report from one or more JSON result files, side by side.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RESULT.json", description = "Result files of loadtest run.")
    List<Path> files;

    @Option(names = "--html", defaultValue = "loadtest-report.html", description = "Output. Default: ${DEFAULT-VALUE}.")
    Path html;

    @Option(names = "--quiet", description = "Do not print the summaries.")
    boolean quiet;

    @Override
    public Integer call() {
        List<ResultFile> results = files.stream().map(ResultFile::read).toList();
        if (!quiet) {
            results.forEach(r -> {
                System.out.println("## " + r.label());
                ConsoleSummary.print(System.out, r);
            });
        }
        HtmlReport.write(results, html);
        System.out.println("report: " + html.toAbsolutePath());
        return 0;
    }
}
