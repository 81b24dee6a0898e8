package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding.Laterality;
import dev.elixr.tasks.data.Finding.Severity;
import dev.elixr.tasks.data.synth.MiniLabeler;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a report asserts, read with the project's keyword labeller ({@link MiniLabeler}, the one that checks the
 * synthetic reports) sentence by sentence: each finding a sentence states as present (label 1; support devices left
 * out, as report QA never injects them), with the side and the severity written in that sentence ("small left
 * pleural effusion", "the heart is mildly enlarged"), and the set of findings the report mentions at all (present,
 * uncertain or denied). The first side and severity a finding is given are kept (FINDINGS before IMPRESSION).
 */
public final class ReportAssertions {
    /** A finding the report states as present; side and severity null where the report gives none. */
    public record Assertion(CheXpertLabel label, Laterality side, Severity severity) {}

    /** The findings asserted present, in label order, and every finding mentioned (asserted, uncertain or denied). */
    public record Parsed(List<Assertion> asserted, Set<CheXpertLabel> mentioned) {
        public Parsed {
            asserted = List.copyOf(asserted);
            mentioned = Set.copyOf(mentioned);
        }
    }

    /** The findings whose severity report QA can change (as its generator grades them). */
    public static final Set<CheXpertLabel> GRADED = EnumSet.of(CheXpertLabel.PLEURAL_EFFUSION, CheXpertLabel.PNEUMOTHORAX,
            CheXpertLabel.CARDIOMEGALY, CheXpertLabel.EDEMA);

    private static final Pattern SIDE = Pattern.compile("\\b(left|right|bilateral|both|bibasilar)\\b");
    private static final Pattern SEVERITY = Pattern.compile("\\b(small|mild|mildly|moderate|moderately|large|severe|severely)\\b");
    private static final String SENTENCES = "(?<=\\.)\\s+|\\n|(?<=\\s)\\d\\.\\s";

    private ReportAssertions() {}

    public static Parsed parse(String report) {
        Map<CheXpertLabel, Assertion> asserted = new EnumMap<>(CheXpertLabel.class);
        Set<CheXpertLabel> mentioned = EnumSet.noneOf(CheXpertLabel.class);
        for (String sentence : report.toLowerCase(Locale.ROOT).split(SENTENCES)) {
            float[] labels = MiniLabeler.label(sentence);
            for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
                float v = labels[l.ordinal()];
                if (Float.isNaN(v) || l == CheXpertLabel.SUPPORT_DEVICES) continue;
                mentioned.add(l);
                if (v != 1f) continue;
                Assertion a = new Assertion(l, side(sentence), GRADED.contains(l) ? severity(sentence) : null), old = asserted.get(l);
                asserted.put(l, old == null ? a : new Assertion(l, old.side() != null ? old.side() : a.side(),
                        old.severity() != null ? old.severity() : a.severity()));
            }
        }
        return new Parsed(new ArrayList<>(asserted.values()), mentioned);
    }

    static Laterality side(String sentence) {
        Matcher m = SIDE.matcher(sentence);
        if (!m.find()) return null;
        return switch (m.group(1)) {
            case "left" -> Laterality.LEFT;
            case "right" -> Laterality.RIGHT;
            default -> Laterality.BILATERAL;
        };
    }

    static Severity severity(String sentence) {
        Matcher m = SEVERITY.matcher(sentence);
        if (!m.find()) return null;
        return switch (m.group(1)) {
            case "small", "mild", "mildly" -> Severity.SMALL;
            case "moderate", "moderately" -> Severity.MODERATE;
            default -> Severity.LARGE;
        };
    }
}
