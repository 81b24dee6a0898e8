package dev.elixr.tasks.language;

import java.util.Locale;

/** The language tasks of ELIXR-B stage 2 (Xu et al. 2023, §2.5): impression generation, visual question answering, report QA. */
public enum LanguageTask {
    IMPRESSION, VQA, REPORT_QA;

    /** The name on the command line and in files: impression, vqa, report-qa. */
    public String id() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    public static LanguageTask parse(String s) {
        for (LanguageTask t : values()) if (t.id().equals(s.trim().toLowerCase(Locale.ROOT))) return t;
        throw new IllegalArgumentException("language task '" + s + "': expected impression, vqa or report-qa");
    }
}
