package dev.elixr.tasks.data.synth;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a hospital writes its reports, beside what they say (ELIXR RQ5: a model meets another site's wording too). Site
 * A writes MIMIC-CXR's style ({@link ReportWriter}). Site B has its own: a "CHEST RADIOGRAPH" header, CLINICAL
 * HISTORY / VIEWS / PRIOR headings, the CONCLUSION (its impression) before the FINDINGS, a numbered conclusion,
 * terse templates for the normal statements ("Lungs clear.", "No active disease.") and abbreviations of the words
 * around the findings (rt, lt, bilat, mod, w/, s/p, y/o, c/w, CXR). What the sentences say about each label is left
 * as it is: no finding word, negation cue or hedge is abbreviated, so a labeller reads the same labels from both
 * sites' reports, and {@link dev.elixr.tasks.data.ReportSectioner} still finds FINDINGS and the impression
 * (CONCLUSION) in either order. Every choice is drawn from the report's own seeded random stream.
 */
record ReportStyle(String name) {
    static final ReportStyle MIMIC = new ReportStyle("A");
    static final ReportStyle SITE_B = new ReportStyle("B");

    boolean isMimic() { return this.equals(MIMIC); }

    /** Site B's templates for site A's fixed sentences (the normal statements, which name no finding). */
    private static final Map<String, List<String>> TEMPLATES = Map.ofEntries(
            Map.entry("The lungs are clear.", List.of("Lungs clear.", "Clear lungs.")),
            Map.entry("Lungs are well expanded and clear.", List.of("Lungs well expanded and clear.")),
            Map.entry("The lungs are well aerated.", List.of("Lungs well aerated.")),
            Map.entry("No acute osseous abnormality.", List.of("Bones intact.", "Visualized bones intact.")),
            Map.entry("Osseous structures are intact.", List.of("Bones intact.")),
            Map.entry("No acute cardiopulmonary process.", List.of("No active disease.", "No active cardiopulmonary disease.")),
            Map.entry("No acute cardiopulmonary abnormality.", List.of("No active disease.")),
            Map.entry("No acute intrathoracic process.", List.of("No active intrathoracic disease.")),
            Map.entry("Support devices in standard position.", List.of("Support devices as above.")),
            Map.entry("Lines and tubes as described above.", List.of("Lines/tubes as above.")));

    /** Site B's abbreviations: words around the findings, never a finding's own word, a negation cue or a hedge. */
    private static final List<Map.Entry<Pattern, String>> ABBREVIATIONS = List.of(
            Map.entry(Pattern.compile("\\bright\\b"), "rt"), Map.entry(Pattern.compile("\\bRight\\b"), "Rt"),
            Map.entry(Pattern.compile("\\bleft\\b"), "lt"), Map.entry(Pattern.compile("\\bLeft\\b"), "Lt"),
            Map.entry(Pattern.compile("\\bbilateral\\b"), "bilat"), Map.entry(Pattern.compile("\\bmoderate\\b"), "mod"),
            Map.entry(Pattern.compile("\\bModerate\\b"), "Mod"), Map.entry(Pattern.compile("\\bconsistent with\\b"), "c/w"),
            Map.entry(Pattern.compile("\\bwith\\b"), "w/"), Map.entry(Pattern.compile("\\bstatus post\\b"), "s/p"),
            Map.entry(Pattern.compile("\\bchest radiograph\\b"), "CXR"), Map.entry(Pattern.compile("\\bChest radiograph\\b"), "CXR"),
            Map.entry(Pattern.compile("\\bhistory of\\b"), "hx of"));

    /** A section's text in this style: templates first, then each abbreviation at 4 of 5 occurrences. */
    String restyle(String text, SplittableRandom r) {
        if (isMimic()) return text;
        String out = text;
        for (var t : TEMPLATES.entrySet())
            if (out.contains(t.getKey())) out = out.replace(t.getKey(), t.getValue().get(r.nextInt(t.getValue().size())));
        for (var a : ABBREVIATIONS) {
            Matcher m = a.getKey().matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(r.nextInt(5) == 0 ? m.group() : a.getValue()));
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }

    /** Site B's impression: always a numbered list "1) …", one item a line. */
    String conclusion(String impression) {
        if (isMimic()) return impression;
        String[] items = impression.split("\\n\\d+\\. |^\\d+\\. |(?<=\\.)\\s+(?=[A-Z])");
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (String item : items) {
            if (item.isBlank()) continue;
            sb.append(n == 0 ? "" : "\n").append(++n).append(") ").append(item.trim());
        }
        return sb.toString();
    }

    /** The whole report in site B's layout (site A's is {@link ReportWriter#report}'s own). */
    String siteB(String exam, String age, boolean female, String indication, String technique, String comparison,
                 String findings, String impression) {
        StringBuilder sb = new StringBuilder();
        sb.append(" CHEST RADIOGRAPH, ").append(exam).append("\n \n");
        sb.append(ReportWriter.wrap("CLINICAL HISTORY:  " + age + " y/o " + (female ? "F" : "M") + " " + indication)).append(" \n");
        sb.append(" VIEWS:  ").append(technique).append("\n");
        sb.append(" PRIOR:  ").append(comparison).append("\n \n");
        sb.append(" CONCLUSION:\n").append(ReportWriter.wrap(impression)).append(" \n");
        sb.append(" FINDINGS:\n").append(ReportWriter.wrap(findings));
        sb.append(" \n Electronically signed by ___, MD.\n");
        return sb.toString();
    }
}
