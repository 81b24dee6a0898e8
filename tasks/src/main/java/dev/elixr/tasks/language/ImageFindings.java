package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.Finding;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What an image shows, in one short line the report-QA answer states before its verdict ("image: small left
 * pneumothorax, mild cardiomegaly."): the study's structured truth (synthetic data), each finding its report asserts
 * (present, label 1; support devices left out, as report QA never injects them) in label order, with its severity where
 * report QA can change it (effusion, pneumothorax, cardiomegaly, edema) and its side where it can swap it (all but
 * edema); "image: no finding." when there is none. A report check then takes two steps: the statement is generated
 * from the image alone ({@link InstructionPrompts#look}: no report in sight, so it cannot be copied from one), then the
 * verdict after the statement and the report ({@link InstructionPrompts#checkReport(String, String)}), comparing the
 * two instead of judging the report's wording alone. Training teaches both steps, the second after the true statement.
 */
public final class ImageFindings {
    /** The {@link Instruction#type} of a first-step item (the statement; report QA's second step keeps correct/erroneous). */
    public static final String ITEM_TYPE = "statement";
    /** The statement's opening word and the mark that ends it. */
    public static final String OPEN = "image:", END = ".";

    private ImageFindings() {}

    public static String statement(CxrStudy s) {
        Map<CheXpertLabel, Finding> first = new EnumMap<>(CheXpertLabel.class);
        for (Finding f : s.attributes())
            if (f.label() != CheXpertLabel.SUPPORT_DEVICES && f.label() != CheXpertLabel.NO_FINDING && s.label(f.label()) == 1) first.putIfAbsent(f.label(), f);
        List<String> words = new ArrayList<>();
        for (Finding f : first.values()) words.add(phrase(f));
        return OPEN + " " + (words.isEmpty() ? "no finding" : String.join(", ", words)) + END;
    }

    static String phrase(Finding f) {
        StringBuilder b = new StringBuilder();
        if (f.severity() != null) switch (f.label()) {
            case PLEURAL_EFFUSION, PNEUMOTHORAX -> b.append(f.severity().word()).append(' ');
            case CARDIOMEGALY, EDEMA -> b.append(f.severity().gradeWord()).append(' ');
            default -> {}
        }
        if (f.laterality() != null && f.label() != CheXpertLabel.EDEMA) b.append(f.laterality().word()).append(' ');
        return b.append(f.label().phrase()).toString();
    }

    /**
     * A generated statement in the statement's form: its text up to the first end mark, opened with {@link #OPEN} and
     * closed with {@link #END} when the model left either out, so that the verdict that follows it parses.
     */
    public static String normalise(String generated) {
        String g = generated.replaceAll("\\s+", " ").trim();
        int end = g.indexOf(END);
        if (end >= 0) g = g.substring(0, end).trim();
        if (!g.startsWith(OPEN)) g = OPEN + " " + g;
        return g.trim() + END;
    }

    /** A second-step prompt with its leading statement replaced by {@code statement}. */
    public static String withStatement(String verdictPrompt, String statement) {
        String p = verdictPrompt.trim();
        if (!p.startsWith(OPEN) || p.indexOf(END) < 0) throw new IllegalArgumentException("not a report check after a statement: '" + p + "'");
        return statement.trim() + " " + p.substring(p.indexOf(END) + 1).trim();
    }

    /** The text after a leading statement (the verdict), or the whole answer when it opens with none. */
    public static String afterStatement(String answer) {
        String a = answer.trim();
        if (!a.startsWith(OPEN)) return a;
        int end = a.indexOf(END);
        return end < 0 ? "" : a.substring(end + 1).trim();
    }
}
