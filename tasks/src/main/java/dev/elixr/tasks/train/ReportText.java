package dev.elixr.tasks.train;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text ELIXR-C aligns with an image: the FINDINGS and IMPRESSION sections of the report (ELIXR section 2.1),
 * joined; a report without those headings is used whole.
 */
public final class ReportText {
    private ReportText() {}

    private static final Pattern HEADING = Pattern.compile("(?m)^\\s*([A-Z][A-Z /&]+):");

    public static String findingsAndImpression(String report) {
        if (report == null) return "";
        Matcher m = HEADING.matcher(report);
        StringBuilder out = new StringBuilder();
        int bodyStart = -1;
        String current = null;
        while (m.find()) {
            if (current != null) append(out, current, report.substring(bodyStart, m.start()));
            current = m.group(1).trim().toUpperCase(Locale.ROOT);
            bodyStart = m.end();
        }
        if (current != null) append(out, current, report.substring(bodyStart));
        String s = out.toString().trim();
        return s.isEmpty() ? report.trim().replaceAll("\\s+", " ") : s;
    }

    private static void append(StringBuilder out, String heading, String body) {
        if (!heading.equals("FINDINGS") && !heading.equals("IMPRESSION")) return;
        if (!out.isEmpty()) out.append(' ');
        out.append(body.trim().replaceAll("\\s+", " "));
    }
}
