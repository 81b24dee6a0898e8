package dev.elixr.tasks.language;

import java.util.Locale;
import java.util.Map;

/**
 * The prompt and answer wording of the stage-2 tasks, one place for training, evaluation and the commands: the soft
 * prompt comes first, then the prompt; the model learns to continue it with the answer and end of sequence.
 */
public final class InstructionPrompts {
    private InstructionPrompts() {}

    /** The report-QA answer of a correct report. */
    public static final String CORRECT = "correct";
    /** Injected error type → the words of the answer that names it. */
    public static final Map<String, String> ERRORS = Map.of("omission", "a finding is omitted", "insertion", "a finding is invented",
            "laterality", "the side is wrong", "severity", "the severity is wrong");

    /**
     * Impression generation's prompt (its answer is the report's IMPRESSION); it ends with the section heading, as the
     * reports a language model of ours was trained on write it, so that the answer continues in the corpus' own form.
     */
    public static String describe() { return "Describe the findings of this chest X-ray. IMPRESSION:"; }

    public static String question(String q) { return "Question: " + oneLine(q) + " Answer:"; }

    public static String checkReport(String report) { return "Report: " + oneLine(report) + " Is this report correct? Answer:"; }

    /** The report inside a report-check prompt ({@link #checkReport(String)}, after a statement or not). */
    public static String reportOf(String prompt) {
        int from = prompt.indexOf("Report: "), to = prompt.lastIndexOf(" Is this report correct? Answer:");
        if (from < 0 || to < from) throw new IllegalArgumentException("not a report-check prompt: '" + prompt + "'");
        return prompt.substring(from + "Report: ".length(), to);
    }

    /** The prompt of the first step of a report check: what the image shows ({@link ImageFindings}), before any report is read. */
    public static String look() { return "What does this image show? Answer:"; }

    /** The second step's prompt: the statement of what the image shows, then the report and the question. */
    public static String checkReport(String report, String statement) { return oneLine(statement) + " " + checkReport(report); }

    /** The answer to a report-QA prompt: "correct", or "incorrect: " and the error in words. */
    public static String verdict(String error) {
        if (error == null || error.equals("none")) return CORRECT;
        String words = ERRORS.get(error);
        if (words == null) throw new IllegalArgumentException("report QA error type '" + error + "': expected none or one of " + ERRORS.keySet());
        return "incorrect: " + words;
    }

    /**
     * The error type a generated verdict names: none (correct), an error type, or "unparsed". A leading statement of
     * the image's findings ({@link ImageFindings}) is skipped: the verdict is what follows it.
     */
    public static String parseVerdict(String answer) {
        String a = ImageFindings.afterStatement(answer).toLowerCase(Locale.ROOT);
        if (a.startsWith(CORRECT)) return "none";
        for (var e : ERRORS.entrySet()) if (a.contains(e.getValue())) return e.getKey();
        return a.startsWith("incorrect") ? "unparsed-error" : "unparsed";
    }

    static String oneLine(String s) { return s.replaceAll("\\s+", " ").trim(); }
}
