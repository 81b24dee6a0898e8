package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.Finding.Laterality;
import dev.elixr.tasks.data.Finding.Severity;
import dev.elixr.tasks.data.synth.ReportPlan.Change;
import dev.elixr.tasks.data.synth.ReportPlan.Mention;
import dev.elixr.tasks.data.synth.ReportPlan.Polarity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Injected report errors change what the report says about the image and nothing about how it is worded. */
class ReportQaGeneratorTest {
    private static final ReportQaGenerator.Source SOURCE = new ReportQaGenerator.Source(FindingSampler.patient(new SplittableRandom(2)), Site.A);

    @Test
    void aWrongSideKeepsTheMentionsComparisonAndItsOtherFindings() {
        Finding first = new Finding(CheXpertLabel.FRACTURE, Laterality.LEFT, Severity.SMALL, null, "healing");
        Finding second = new Finding(CheXpertLabel.FRACTURE, Laterality.LEFT, Severity.MODERATE, null, "acute");
        List<Finding> truth = List.of(first, second);
        ReportPlan plan = new ReportPlan(List.of(new Mention(CheXpertLabel.FRACTURE, Polarity.POSITIVE, truth, Change.UNCHANGED)));
        for (long seed = 0; seed < 20; seed++) {
            Mention m = ReportQaGenerator.inject("laterality", truth, plan, true, SOURCE, new SplittableRandom(seed)).mention(CheXpertLabel.FRACTURE);
            assertEquals(Change.UNCHANGED, m.change());
            assertEquals(List.of(first.withLaterality(Laterality.RIGHT), second), m.findings());
        }
    }

    @Test
    void aWrongSeverityKeepsTheMentionsComparison() {
        List<Finding> truth = List.of(new Finding(CheXpertLabel.PLEURAL_EFFUSION, Laterality.RIGHT, Severity.MODERATE, null, null));
        ReportPlan plan = new ReportPlan(List.of(new Mention(CheXpertLabel.PLEURAL_EFFUSION, Polarity.POSITIVE, truth, Change.NEW)));
        boolean small = false, large = false;
        for (long seed = 0; seed < 40; seed++) {
            Mention m = ReportQaGenerator.inject("severity", truth, plan, true, SOURCE, new SplittableRandom(seed)).mention(CheXpertLabel.PLEURAL_EFFUSION);
            assertEquals(Change.NEW, m.change());
            assertNotEquals(Severity.MODERATE, m.first().severity());
            small |= m.first().severity() == Severity.SMALL;
            large |= m.first().severity() == Severity.LARGE;
        }
        assertTrue(small && large, "both other severities are drawn");
    }

    @Test
    void anInsertedFindingIsAbsentFromTheImageAndNewInHalfTheReportsWithAPrior() {
        List<Finding> truth = List.of(new Finding(CheXpertLabel.CARDIOMEGALY, null, Severity.SMALL, null, null));
        ReportPlan plan = new ReportPlan(List.of(new Mention(CheXpertLabel.CARDIOMEGALY, Polarity.POSITIVE, truth, Change.NONE)));
        int inserted = 0, fresh = 0;
        for (long seed = 0; seed < 400; seed++) {
            for (boolean prior : new boolean[] {false, true}) {
                ReportPlan e = ReportQaGenerator.inject("insertion", truth, plan, prior, SOURCE, new SplittableRandom(seed));
                if (e == null) continue;
                assertEquals(2, e.mentions().size());
                Mention m = e.mentions().stream().filter(x -> x.label() != CheXpertLabel.CARDIOMEGALY).findFirst().orElseThrow();
                assertEquals(Polarity.POSITIVE, m.polarity());
                assertNotEquals(CheXpertLabel.SUPPORT_DEVICES, m.label());
                if (!prior) assertEquals(Change.NONE, m.change());
                else { inserted++; if (m.change() == Change.NEW) fresh++; }
            }
        }
        assertTrue(inserted > 300, "insertions found for most seeds: " + inserted);
        assertEquals(0.5, fresh / (double) inserted, 0.08, "fraction of inserted findings called new when there is a prior");
    }
}
