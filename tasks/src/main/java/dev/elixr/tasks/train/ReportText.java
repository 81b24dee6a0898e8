package dev.elixr.tasks.train;

import dev.elixr.tasks.data.ReportSectioner;

/**
 * The text ELIXR-C aligns with an image (ELIXR section 2.1): the report's FINDINGS and IMPRESSION sections joined,
 * or its last paragraph when it has neither (the MIMIC-CXR sectioner's fallback).
 */
public final class ReportText {
    private ReportText() {}

    public static String findingsAndImpression(String report) {
        if (report == null || report.isBlank()) return "";
        ReportSectioner.Sections s = ReportSectioner.sections(report);
        if (s.findings().isEmpty() && s.impression().isEmpty()) return s.lastParagraph();
        if (s.findings().equals(s.impression())) return s.findings();
        return (s.findings() + " " + s.impression()).trim();
    }

    /**
     * The whole report, one section per line as "HEADING: text" in the report's order (whitespace normalised, text before
     * the first heading such as "FINAL REPORT" dropped): the text the report language model ({@code elixr train lm})
     * learns and generates.
     */
    public static String sectioned(String report) {
        if (report == null || report.isBlank()) return "";
        StringBuilder sb = new StringBuilder();
        ReportSectioner.split(report).forEach((heading, text) -> {
            if (heading.isEmpty() || text.isEmpty()) return;
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(heading).append(": ").append(text);
        });
        return sb.isEmpty() ? ReportSectioner.lastParagraph(report) : sb.toString();
    }

    /** The IMPRESSION section alone on one line, or "" when the report has none. */
    public static String impression(String report) {
        if (report == null || report.isBlank()) return "";
        return ReportSectioner.sections(report).impression().replaceAll("\\s+", " ").trim();
    }
}
