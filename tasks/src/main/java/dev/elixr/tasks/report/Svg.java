package dev.elixr.tasks.report;

import java.util.List;
import java.util.Locale;

/**
 * Small, dependency-free SVG charts for the HTML report: line charts (training curves) and ROC curves.
 * Output is a self-contained {@code <svg>} element meant to be inlined into HTML.
 */
public final class Svg {
    private Svg() {}

    /** One polyline: a name for the legend, a CSS colour, and x/y values of equal length. */
    public record Series(String name, String colour, double[] x, double[] y) {
        public Series {
            if (x.length != y.length)
                throw new IllegalArgumentException("Svg.Series '" + name + "': " + x.length + " x values but " + y.length + " y values");
        }
    }

    /** Colours for successive series (colour-blind-safe palette, Okabe &amp; Ito). */
    public static final List<String> PALETTE =
            List.of("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442");

    private static final int W = 420, H = 300, LEFT = 52, RIGHT = 12, TOP = 28, BOTTOM = 42;

    /** A line chart with axes, ticks and a legend; the axis ranges fit the data (or are fixed when given). */
    public static String lineChart(String title, String xLabel, String yLabel, List<Series> series,
                                   double[] xRange, double[] yRange) {
        double[] xr = xRange != null ? xRange : range(series, true);
        double[] yr = yRange != null ? yRange : range(series, false);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">",
                W, H, W, H));
        sb.append("<title>").append(escape(title)).append("</title>");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>", LEFT, escape(title)));
        axes(sb, xr, yr, xLabel, yLabel);
        int legendY = TOP + 12;
        for (Series s : series) {
            sb.append("<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"").append(escape(s.colour())).append("\" points=\"");
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i]) || !Double.isFinite(s.x()[i])) continue;
                sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(s.x()[i], xr), py(s.y()[i], yr)));
            }
            sb.append("\"/>");
            sb.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>",
                    W - RIGHT - 130, legendY - 4, escape(s.colour()), W - RIGHT - 116, legendY, escape(s.name())));
            legendY += 14;
        }
        return sb.append("</svg>").toString();
    }

    /** ROC curve(s) on the unit square with the chance diagonal. */
    public static String rocChart(String title, List<Series> curves) {
        String chart = lineChart(title, "false positive rate", "true positive rate", curves,
                new double[] {0, 1}, new double[] {0, 1});
        String diagonal = String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>",
                px(0, new double[] {0, 1}), py(0, new double[] {0, 1}), px(1, new double[] {0, 1}), py(1, new double[] {0, 1}));
        return chart.replace("</svg>", diagonal + "</svg>");
    }

    private static void axes(StringBuilder sb, double[] xr, double[] yr, String xLabel, String yLabel) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>",
                LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        for (int t = 0; t <= 4; t++) {
            double xv = xr[0] + (xr[1] - xr[0]) * t / 4, yv = yr[0] + (yr[1] - yr[0]) * t / 4;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    px(xv, xr), H - BOTTOM + 14, tick(xv)));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    LEFT - 4, py(yv, yr) + 4, tick(yv)));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
                    LEFT + 1, py(yv, yr), W - RIGHT - 1, py(yv, yr)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                (LEFT + W - RIGHT) / 2, H - 8, escape(xLabel)));
        sb.append(String.format(Locale.ROOT,
                "<text transform=\"translate(12,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>",
                (TOP + H - BOTTOM) / 2, escape(yLabel)));
    }

    private static double[] range(List<Series> series, boolean x) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) for (double v : x ? s.x() : s.y()) {
            if (!Double.isFinite(v)) continue;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (lo == Double.POSITIVE_INFINITY) return new double[] {0, 1};
        if (hi == lo) { lo -= 0.5; hi += 0.5; }
        return new double[] {lo, hi};
    }

    private static double px(double x, double[] xr) {
        return LEFT + (x - xr[0]) / (xr[1] - xr[0]) * (W - LEFT - RIGHT);
    }

    private static double py(double y, double[] yr) {
        return H - BOTTOM - (y - yr[0]) / (yr[1] - yr[0]) * (H - TOP - BOTTOM);
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 10000 || a < 0.01)) return String.format(Locale.ROOT, "%.1e", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Escapes text for XML/HTML content and attribute values. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
