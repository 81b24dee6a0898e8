package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.elixr.tasks.data.CheXpertLabel.*;

/**
 * What a report says about each label, decided before any wording: positive, uncertain (hedged) or negated, with
 * the findings it describes and any comparison with the prior study. The labels follow from the plan (as the
 * CheXpert labeller reads them from the report), so report text and labels agree by construction.
 */
record ReportPlan(List<Mention> mentions) {

    enum Polarity { POSITIVE, UNCERTAIN, NEGATIVE }

    enum Change { NONE, NEW, UNCHANGED, RESOLVED }

    record Mention(CheXpertLabel label, Polarity polarity, List<Finding> findings, Change change) {
        Finding first() { return findings.isEmpty() ? Finding.of(label) : findings.getFirst(); }
    }

    /** How often an absent finding is explicitly negated in a report. */
    private static final Map<CheXpertLabel, Float> NEGATE = new EnumMap<>(Map.ofEntries(
            Map.entry(PLEURAL_EFFUSION, 0.75f), Map.entry(PNEUMOTHORAX, 0.75f), Map.entry(CONSOLIDATION, 0.55f),
            Map.entry(EDEMA, 0.35f), Map.entry(CARDIOMEGALY, 0.55f), Map.entry(ENLARGED_CARDIOMEDIASTINUM, 0.45f),
            Map.entry(PNEUMONIA, 0.25f), Map.entry(FRACTURE, 0.12f), Map.entry(LUNG_LESION, 0.06f),
            Map.entry(ATELECTASIS, 0.05f), Map.entry(LUNG_OPACITY, 0.2f), Map.entry(PLEURAL_OTHER, 0.03f),
            Map.entry(SUPPORT_DEVICES, 0f)));

    /** How often an absent finding is nevertheless hedged ("cannot exclude"). */
    private static final Map<CheXpertLabel, Float> FALSE_HEDGE = new EnumMap<>(Map.of(
            PNEUMONIA, 0.03f, ATELECTASIS, 0.02f, PLEURAL_EFFUSION, 0.015f, PNEUMOTHORAX, 0.01f, LUNG_OPACITY, 0.015f));

    /** Plans the report of a study whose truth is {@code truth}; {@code prior} is the patient's previous plan or null. */
    static ReportPlan of(List<Finding> truth, ReportPlan prior, Difficulty d, SplittableRandom r) {
        List<Mention> out = new ArrayList<>();
        for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
            List<Finding> fs = truth.stream().filter(f -> f.label() == l).toList();
            boolean before = prior != null && prior.polarity(l) == Polarity.POSITIVE;
            if (!fs.isEmpty()) {
                boolean small = l != SUPPORT_DEVICES && fs.stream().allMatch(f -> f.severity() == Finding.Severity.SMALL);
                float u = r.nextFloat();
                if (small && u < d.missRate) continue;
                Polarity p = small && u < d.missRate + d.hedgeRate ? Polarity.UNCERTAIN : Polarity.POSITIVE;
                Change c = prior == null || p != Polarity.POSITIVE ? Change.NONE
                        : before ? (r.nextFloat() < 0.6f ? Change.UNCHANGED : Change.NONE) : (r.nextFloat() < 0.5f ? Change.NEW : Change.NONE);
                out.add(new Mention(l, p, fs, c));
            } else if (before && l != SUPPORT_DEVICES && r.nextFloat() < 0.5f) {
                out.add(new Mention(l, Polarity.NEGATIVE, prior.mention(l).findings(), Change.RESOLVED));
            } else if (r.nextFloat() < FALSE_HEDGE.getOrDefault(l, 0f)) {
                out.add(new Mention(l, Polarity.UNCERTAIN, List.of(FindingSampler.random(r, l).withSeverity(Finding.Severity.SMALL)), Change.NONE));
            } else if (r.nextFloat() < NEGATE.get(l)) {
                out.add(new Mention(l, Polarity.NEGATIVE, List.of(), Change.NONE));
            }
        }
        return new ReportPlan(List.copyOf(out));
    }

    Mention mention(CheXpertLabel l) {
        for (Mention m : mentions) if (m.label() == l) return m;
        return null;
    }

    Polarity polarity(CheXpertLabel l) {
        Mention m = mention(l);
        return m == null ? null : m.polarity();
    }

    /** The 14 labels the report implies: 1 positive, -1 uncertain, 0 negated, NaN not mentioned; No Finding is 1
     *  when no finding other than support devices is positive or uncertain. */
    float[] labels() {
        float[] v = CheXpertLabel.blankLabels();
        boolean abnormal = false;
        for (Mention m : mentions) {
            v[m.label().ordinal()] = switch (m.polarity()) { case POSITIVE -> 1f; case UNCERTAIN -> -1f; case NEGATIVE -> 0f; };
            if (m.polarity() != Polarity.NEGATIVE && m.label() != SUPPORT_DEVICES) abnormal = true;
        }
        if (!abnormal) v[NO_FINDING.ordinal()] = 1f;
        return v;
    }

    /** A copy with one mention replaced (or removed when replacement is null, or added when absent). */
    ReportPlan with(CheXpertLabel l, Mention replacement) {
        List<Mention> out = new ArrayList<>();
        boolean done = false;
        for (Mention m : mentions) {
            if (m.label() == l) {
                if (replacement != null) out.add(replacement);
                done = true;
            } else out.add(m);
        }
        if (!done && replacement != null) {
            out.add(replacement);
            out.sort(Comparator.comparing(Mention::label));
        }
        return new ReportPlan(List.copyOf(out));
    }
}
