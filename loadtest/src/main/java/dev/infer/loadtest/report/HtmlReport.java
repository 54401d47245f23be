package dev.infer.loadtest.report;

import dev.infer.loadtest.metrics.Distribution;
import dev.infer.loadtest.metrics.RunSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.infer.loadtest.metrics.Format.number;

/**
 * A self-contained HTML report over one or more result files: what was run, a side-by-side summary table (one
 * row per file and level), latency tables, errors, the charts (embedded PNGs) and the metric definitions.
 */
public final class HtmlReport {
    private static final String CSS = """
            body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1360px}
            h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;font-size:13px;margin:8px 0}
            th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}
            td.l,th.l{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}
            .charts figure{margin:0}figcaption{font-size:12px;color:#555}code{font-size:12px}
            dl{font-size:13px}dt{font-weight:bold;margin-top:6px}""";

    private HtmlReport() {
    }

    public static void write(List<ResultFile> files, Path out) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, render(files));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    public static String render(List<ResultFile> files) {
        StringBuilder h = new StringBuilder(1 << 20);
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Load test report</title><style>")
                .append(CSS).append("</style></head><body><h1>Load test report</h1>");
        runs(h, files);
        summaryTable(h, files);
        latencyTables(h, files);
        h.append("<h2>Charts</h2><div class=\"charts\">");
        ChartSet.render(files).forEach((title, png) -> h.append("<figure><img alt=\"").append(esc(title))
                .append("\" width=\"").append(Charts.WIDTH).append("\" src=\"data:image/png;base64,").append(png)
                .append("\"><figcaption>").append(esc(title)).append("</figcaption></figure>"));
        h.append("</div>");
        definitions(h, files.getFirst().definitions());
        return h.append("</body></html>").toString();
    }

    private static void runs(StringBuilder h, List<ResultFile> files) {
        h.append("<h2>Runs</h2><table><tr><th class=l>label</th><th class=l>created</th><th class=l>settings</th>"
                + "<th class=l>command</th></tr>");
        for (ResultFile f : files) {
            h.append("<tr><td class=l>").append(esc(f.label())).append("</td><td class=l>").append(esc(f.createdAt()))
                    .append("</td><td class=l>");
            new java.util.TreeMap<>(f.config()).forEach((k, v) -> h.append(esc(k)).append("=").append(esc(v))
                    .append("<br>"));
            h.append("</td><td class=l><code>").append(esc(f.command())).append("</code></td></tr>");
        }
        h.append("</table>");
    }

    private static void summaryTable(StringBuilder h, List<ResultFile> files) {
        h.append("<h2>Summary</h2><table><tr><th class=l>run</th><th>ok</th><th>failed</th><th>cancelled</th>"
                + "<th>timeout</th><th>duration s</th><th>req/s</th><th>output tok/s</th><th>total tok/s</th>"
                + "<th>peak conc.</th><th>goodput req/s</th><th>TTFT p50</th><th>TTFT p99</th><th>TPOT p50</th>"
                + "<th>ITL p50</th><th>E2E p50</th><th>queue p50</th><th class=l>errors</th>"
                + "<th>thinking / answer chunks</th></tr>");
        for (ResultFile f : files) {
            for (LevelResult l : f.levels()) {
                RunSummary s = l.summary();
                h.append("<tr><td class=l>").append(esc(ChartSet.name(files, f, l))).append("</td>");
                cells(h, s.completed(), s.failed(), s.cancelled(), s.timedOut());
                cells(h, s.durationS(), s.requestThroughput(), s.outputThroughput(), s.totalThroughput());
                cells(h, s.peakConcurrency(), s.goodput(), s.ttftMs().median(), s.ttftMs().p99(),
                        s.tpotMs().median(), s.itlMs().median(), s.e2eMs().median());
                h.append("<td>").append(s.queueReported() ? number(s.queueMs().median()) : "not reported")
                        .append("</td><td class=l>").append(esc(s.errorsByStatus().isEmpty() ? "-"
                                : s.errorsByStatus().toString())).append("</td><td>")
                        .append(s.reasoningChunks()).append(" / ").append(s.answerChunks()).append("</td></tr>");
            }
        }
        h.append("</table><p>Latencies in ms. Goodput SLOs: ").append(esc(sloOf(files))).append("</p>");
    }

    private static void latencyTables(StringBuilder h, List<ResultFile> files) {
        h.append("<h2>Latency (ms)</h2><table><tr><th class=l>run</th><th class=l>measure</th><th>n</th><th>mean</th>"
                + "<th>median</th><th>p90</th><th>p95</th><th>p99</th><th>max</th></tr>");
        for (ResultFile f : files) {
            for (LevelResult l : f.levels()) {
                RunSummary s = l.summary();
                Map<String, Distribution> measures = new java.util.LinkedHashMap<>();
                measures.put("TTFT", s.ttftMs());
                measures.put("TPOT", s.tpotMs());
                measures.put("ITL", s.itlMs());
                measures.put("E2E", s.e2eMs());
                measures.put("Queue", s.queueMs());
                measures.forEach((name, d) -> {
                    h.append("<tr><td class=l>").append(esc(ChartSet.name(files, f, l))).append("</td><td class=l>")
                            .append(name).append("</td>");
                    if (d.count() == 0 && name.equals("Queue")) {
                        h.append("<td colspan=7 class=l>not reported by the server</td></tr>");
                        return;
                    }
                    cells(h, d.count(), d.mean(), d.median(), d.p90(), d.p95(), d.p99(), d.max());
                    h.append("</tr>");
                });
            }
        }
        h.append("</table>");
    }

    private static void definitions(StringBuilder h, Map<String, String> definitions) {
        h.append("<h2>Definitions</h2><dl>");
        definitions.forEach((k, v) -> h.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(v))
                .append("</dd>"));
        h.append("</dl>");
    }

    private static String sloOf(List<ResultFile> files) {
        return files.stream().map(f -> f.label() + ": " + f.config().getOrDefault("slo", "none"))
                .reduce((a, b) -> a + "; " + b).orElse("none");
    }

    private static void cells(StringBuilder h, double... values) {
        for (double v : values) {
            h.append("<td>").append(v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15
                    ? Long.toString((long) v) : number(v)).append("</td>");
        }
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
