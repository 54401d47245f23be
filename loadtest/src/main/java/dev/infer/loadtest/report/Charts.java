package dev.infer.loadtest.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/** Line charts rendered to PNG by XChart, returned as base64 for embedding in the HTML report. */
final class Charts {
    static final int WIDTH = 640;
    static final int HEIGHT = 360;
    private static final int LEGEND_LINE = 18;

    /** One named line. */
    record Series(String name, double[] x, double[] y) {
    }

    private Charts() {
    }

    /**
     * A chart of lines; {@code markers} draws a dot per point (for sweeps, where points are few); {@code logX} asks
     * for a log x axis, used (and named in the axis title) when the data spans a decade or more.
     */
    static String png(String title, String xTitle, String yTitle, List<Series> series, boolean markers,
                      boolean logX) {
        return png(title, xTitle, yTitle, series, markers, logX, false);
    }

    /** As above; {@code unitY} fixes the y axis to [0, 1] (CDFs), else XChart fits it to the data. */
    static String png(String title, String xTitle, String yTitle, List<Series> series, boolean markers,
                      boolean logX, boolean unitY) {
        // The legend lists one series a line under the plot, so long "file · level" names stay readable.
        // A log axis over less than a decade gets no tick labels at all from XChart: use it only when it helps.
        logX = logX && spansADecade(series);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT + LEGEND_LINE * series.size()).title(title)
                .xAxisTitle(logX ? xTitle + ", log scale" : xTitle).yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        chart.getStyler().setYAxisTickMarkSpacingHint(45);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setXAxisDecimalPattern("#,##0.##");
        // XChart spaces ticks by the pattern's resolution: "0.0" keeps a [0, 1] axis at tenths instead of a label
        // at every few hundredths.
        chart.getStyler().setYAxisDecimalPattern(unitY ? "0.0" : "#,##0.##");
        if (unitY) {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(1.0);
        }
        int added = 0;
        for (Series line : series) {
            // XChart refuses empty series and, on a log axis, values <= 0.
            double[][] xy = logX ? positiveX(line) : new double[][] {line.x(), line.y()};
            if (xy[0].length == 0) {
                continue;
            }
            XYSeries s2 = chart.addSeries(line.name(), xy[0], xy[1]);
            s2.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            added++;
        }
        if (added == 0) {
            chart.getStyler().setXAxisLogarithmic(false);
            chart.addSeries("no data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        try {
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", png);
            return Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart " + title, e);
        }
    }

    private static boolean spansADecade(List<Series> series) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Series line : series) {
            for (double x : positiveX(line)[0]) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        return max >= 10 * min;
    }

    private static double[][] positiveX(Series line) {
        int n = 0;
        double[] x = new double[line.x().length];
        double[] y = new double[line.x().length];
        for (int i = 0; i < x.length; i++) {
            if (line.x()[i] > 0 && !Double.isNaN(line.y()[i])) {
                x[n] = line.x()[i];
                y[n++] = line.y()[i];
            }
        }
        return new double[][] {java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n)};
    }

    /** Empirical CDF points of the values (at most ~{@code maxPoints}, evenly spaced in rank). */
    static Series cdf(String name, double[] values, int maxPoints) {
        double[] sorted = java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int n = sorted.length;
        int points = Math.min(n, maxPoints);
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            int rank = points == n ? i : (int) Math.round((double) i * (n - 1) / (points - 1));
            x[i] = sorted[rank];
            y[i] = (rank + 1) / (double) n;
        }
        return new Series(name, x, y);
    }
}
