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
 * edema); "image: no finding." when there is none. The verdict that follows then compares this line, read from the
 * image, with the report in the prompt, instead of the report's wording alone.
 */
public final class ImageFindings {
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

    /** The text after a leading statement (the verdict), or the whole answer when it opens with none. */
    public static String afterStatement(String answer) {
        String a = answer.trim();
        if (!a.startsWith(OPEN)) return a;
        int end = a.indexOf(END);
        return end < 0 ? "" : a.substring(end + 1).trim();
    }
}
