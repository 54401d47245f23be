package dev.infer.loadtest.cli;

import dev.infer.loadtest.client.TargetClient;
import dev.infer.loadtest.dataset.Dataset;
import dev.infer.loadtest.dataset.PrefetchedDataset;
import dev.infer.loadtest.load.LevelRun;
import dev.infer.loadtest.load.LoadLevel;
import dev.infer.loadtest.load.LoadRunner;
import dev.infer.loadtest.load.Progress;
import dev.infer.loadtest.load.RunSettings;
import dev.infer.loadtest.metrics.Slo;
import dev.infer.loadtest.report.ConsoleProgress;
import dev.infer.loadtest.report.ConsoleSummary;
import dev.infer.loadtest.report.Definitions;
import dev.infer.loadtest.report.HtmlReport;
import dev.infer.loadtest.report.LevelResult;
import dev.infer.loadtest.report.ResultFile;
import dev.infer.models.tokenizer.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code run}: drive one load level or a sweep, print the summary, write the JSON result and the HTML report. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run load levels against a server and write a JSON result (and an HTML report).")
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    TargetOptions target = new TargetOptions();
    @Mixin
    LoadOptions load = new LoadOptions();
    @Mixin
    DatasetOptions data = new DatasetOptions();

    @Option(names = "--slo", description = "Goodput objectives, e.g. \"ttft:500ms tpot:50ms\" (ttft, tpot, itl, e2e).")
    String slo;

    @Option(names = "--label", description = "Name of this run in reports (default: backend@target).")
    String label;

    @Option(names = "--result", defaultValue = "loadtest-result.json",
            description = "JSON result file. Default: ${DEFAULT-VALUE}.")
    Path result;

    @Option(names = "--html", description = "Also write the HTML report here.")
    Path html;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws InterruptedException {
        Slo objectives = Slo.parse(slo);
        List<LoadLevel> levels = load.levels();
        List<RunSettings> settings = load.settings(levels.size(), data.ignoreEos, data.seed);
        Progress progress = noProgress ? Progress.NONE : new ConsoleProgress(System.err);
        List<LevelRun> runs;
        try (TextTokenizer tok = data.openTokenizer(); TargetClient client = target.open()) {
            Dataset dataset = data.build(tok);
            if (dataset.multiTurn() && !client.supportsChat()) {
                throw new IllegalArgumentException("multi-turn conversations need --backend chat");
            }
            int most = settings.stream().mapToInt(RunSettings::maxRequests).max().orElse(0);
            if (settings.stream().allMatch(s -> s.maxRequests() > 0)) {
                dataset = new PrefetchedDataset(dataset, most);
            }
            runs = new ArrayList<>();
            for (int i = 0; i < levels.size(); i++) {
                runs.add(new LoadRunner(client, dataset, settings.get(i), progress).run(levels.get(i)));
            }
        }
        ResultFile file = resultFile(runs, objectives);
        ConsoleSummary.print(System.out, file);
        file.write(result);
        System.out.println("result: " + result.toAbsolutePath());
        if (html != null) {
            HtmlReport.write(List.of(file), html);
            System.out.println("report: " + html.toAbsolutePath());
        }
        long failed = runs.stream().mapToLong(r -> r.records().stream().filter(x -> !x.ok()).count()).sum();
        return failed > 0 && runs.stream().allMatch(r -> r.records().stream().noneMatch(x -> x.ok())) ? 1 : 0;
    }

    private ResultFile resultFile(List<LevelRun> runs, Slo objectives) {
        Map<String, String> config = new LinkedHashMap<>();
        target.describe(config);
        load.describe(config);
        data.describe(config);
        config.put("slo", objectives.toString());
        String name = label != null ? label : config.get("backend") + "@" + config.get("target");
        // originalArgs holds the whole command line, the subcommand name included.
        String command = "loadtest " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        return new ResultFile(ResultFile.TOOL, name, Instant.now().toString(), command, config, Definitions.all(),
                runs.stream().map(r -> LevelResult.of(r, objectives)).toList());
    }
}
