package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The synthetic reports do not contradict themselves: over a few thousand generated reports (every difficulty, a chain
 * of studies per patient), no finding is asserted in one sentence and denied in another of the same section. A sentence
 * asserts what {@link MiniLabeler} reads as 1 in it and denies what it reads as 0; a normal cardiomediastinal
 * silhouette or cardiomediastinum also denies cardiomegaly (the heart is part of it), the case the generator once got
 * wrong ("Mild enlargement of the cardiac silhouette." beside "The cardiomediastinal silhouette is within normal limits.").
 */
class ReportConsistencyTest {
    private static final Pattern NORMAL_CARDIOMEDIASTINUM = Pattern.compile("cardiomediastin.*(normal|unremarkable)");

    @Test
    void noFindingIsBothAssertedAndDeniedInFourThousandReports() {
        List<String> contradictions = new ArrayList<>();
        int reports = 0;
        for (Difficulty d : Difficulty.values()) {
            SplittableRandom r = new SplittableRandom(20261202L + d.ordinal());
            for (int n = 0; n < 1500; n += 3) {
                Anatomy base = Anatomy.patient(r, d);
                FindingSampler.Patient p = FindingSampler.patient(r);
                ReportPlan prior = null;
                for (int s = 0; s < 3; s++) {
                    FindingSampler.Study st = FindingSampler.study(p, r);
                    ReportPlan plan = ReportPlan.of(st.findings(), prior, d, r);
                    ReportWriter.Sections sec = ReportWriter.sections(plan, prior != null, r);
                    for (String section : List.of(sec.findings(), sec.impression())) {
                        String c = contradiction(section);
                        if (c != null) contradictions.add(c + " in: " + section);
                    }
                    base.study(r, d, st.ap());
                    prior = plan;
                    reports++;
                }
            }
        }
        assertTrue(reports >= 3000, reports + " reports");
        assertTrue(contradictions.isEmpty(), contradictions.size() + " contradictions, e.g.\n" + String.join("\n", contradictions.subList(0, Math.min(5, contradictions.size()))));
    }

    /** The first finding asserted by one sentence and denied by another, or null. */
    static String contradiction(String text) {
        Set<CheXpertLabel> asserted = EnumSet.noneOf(CheXpertLabel.class), denied = EnumSet.noneOf(CheXpertLabel.class);
        for (String sentence : text.split("(?<=\\.)\\s+")) {
            float[] v = MiniLabeler.label(sentence);
            for (CheXpertLabel l : MiniLabeler.findings()) {
                if (v[l.ordinal()] == 1f) asserted.add(l);
                if (v[l.ordinal()] == 0f) denied.add(l);
            }
            if (NORMAL_CARDIOMEDIASTINUM.matcher(sentence.toLowerCase(Locale.ROOT)).find()) denied.add(CheXpertLabel.CARDIOMEGALY);
        }
        for (CheXpertLabel l : asserted) if (denied.contains(l)) return l.column() + " asserted and denied";
        return null;
    }

    @Test
    void theCheckCatchesTheContradictionOnceSeen() {
        assertTrue(contradiction("Mild enlargement of the cardiac silhouette. The cardiomediastinal silhouette is within normal limits.") != null);
        assertTrue(contradiction("Small left pleural effusion. No pleural effusion.") != null);
        assertTrue(contradiction("Mild enlargement of the cardiac silhouette. The mediastinal contours are normal.") == null);
    }
}
