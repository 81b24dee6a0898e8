package dev.elixr.tasks.data;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a free-text radiology report into its sections, after the MIT-LCP MIMIC-CXR sectioner
 * (create_section_files.py): headings are upper-case words followed by a colon at the start of a line; FINDINGS
 * and IMPRESSION are kept, and when a report has neither, its last paragraph stands in. Whitespace is normalised.
 */
public final class ReportSectioner {
    private ReportSectioner() {}

    /** The sections of a report: findings, impression (either may be empty) and the last paragraph. */
    public record Sections(String findings, String impression, String lastParagraph) {
        /** Findings and impression joined ("FINDINGS: ... IMPRESSION: ..."), or the last paragraph when both are empty. */
        public String text() {
            if (findings.isEmpty() && impression.isEmpty()) return lastParagraph;
            StringBuilder sb = new StringBuilder();
            if (!findings.isEmpty()) sb.append("FINDINGS: ").append(findings);
            if (!impression.isEmpty()) sb.append(sb.isEmpty() ? "" : " ").append("IMPRESSION: ").append(impression);
            return sb.toString();
        }
    }

    private static final Pattern HEADING = Pattern.compile("(?m)^[ \\t]*([A-Z][A-Z /&()-]{2,40}):");

    /** All sections by upper-case heading, in order; text before the first heading is under "". */
    public static Map<String, String> split(String report) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = HEADING.matcher(report);
        int start = 0;
        String name = "";
        while (m.find()) {
            put(out, name, report.substring(start, m.start()));
            name = m.group(1).trim().toUpperCase(Locale.ROOT);
            start = m.end();
        }
        put(out, name, report.substring(start));
        return out;
    }

    private static void put(Map<String, String> out, String name, String body) {
        String b = normalise(body);
        if (name.isEmpty() && b.isEmpty()) return;
        out.merge(name, b, (x, y) -> (x + " " + y).trim());
    }

    public static Sections sections(String report) {
        Map<String, String> s = split(report);
        String findings = "", impression = "";
        for (Map.Entry<String, String> e : s.entrySet()) {
            String k = e.getKey();
            if (k.equals("FINDINGS AND IMPRESSION") || k.equals("FINDINGS/IMPRESSION")) { findings = e.getValue(); impression = e.getValue(); }
            else if (k.startsWith("FINDING")) findings = e.getValue();
            else if (k.startsWith("IMPRESSION") || k.equals("CONCLUSION")) impression = e.getValue();
        }
        return new Sections(findings, impression, lastParagraph(report));
    }

    /** The last non-empty paragraph (blocks separated by blank lines), whitespace normalised. */
    public static String lastParagraph(String report) {
        String[] paras = report.split("\\n[ \\t]*\\n");
        for (int i = paras.length - 1; i >= 0; i--) {
            String p = normalise(paras[i]);
            if (!p.isEmpty()) return p;
        }
        return "";
    }

    static String normalise(String s) { return s.replaceAll("\\s+", " ").trim(); }
}
