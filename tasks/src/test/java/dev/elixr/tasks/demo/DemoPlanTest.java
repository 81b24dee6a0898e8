package dev.elixr.tasks.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo plan's stage-2 part: present by default, dropped alone or with stage 1, and kept out of the ELIXR-C run's marker. */
class DemoPlanTest {
    @Test void bothPlansIncludeStageTwoAndDroppingStageOneDropsIt() {
        for (ElixrDemo.Plan p : new ElixrDemo.Plan[] {ElixrDemo.Plan.full(), ElixrDemo.Plan.quick()}) {
            assertNotNull(p.stageTwo());
            assertNull(p.withStageOne(null).stageTwo(), "stage 2 needs stage 1");
            ElixrDemo.Plan noTwo = p.withStageTwo(null);
            assertNull(noTwo.stageTwo());
            assertNotNull(noTwo.stageOne(), "--no-stage2 keeps stage 1");
            assertEquals(p.stageTwo(), p.resized(100, 32, 1).withDifficulty("normal").stageTwo(), "resizing keeps the stage-2 plan");
        }
        assertThrows(IllegalArgumentException.class, () -> ElixrDemo.Plan.full().withStageOne(null).withStageTwo(LanguageDemo.Plan.full()));
    }

    @Test void theFullPlansStageTwoDrawsSideSeverityAndLocationQuestionsMoreOftenAndTheQuickPlansDoesNot() {
        var full = LanguageDemo.Plan.full().vqaRepeats();
        assertEquals(3, full.repeats("laterality"));
        assertEquals(3, full.repeats("severity"));
        assertEquals(2, full.repeats("location"));
        assertEquals(1, full.repeats("presence"));
        assertTrue(LanguageDemo.Plan.quick().vqaRepeats().isNone());
    }

    @Test void theFullPlansStageTwoTakes1800StepsOf16WithTheQFormerFrozenAndAsksAThousandVisualQuestions() {
        assertEquals(1800, LanguageDemo.Plan.full().steps());
        assertFalse(LanguageDemo.Plan.full().trainQFormer());
        assertEquals(16, LanguageDemo.Plan.full().batch());
        assertEquals(1000, LanguageDemo.Plan.full().vqaItems());
    }

    @Test void theLmTrainsBesideElixrCOnTwoThreadsOnlyAndOnlyWhenStageTwoRuns() {
        int before = dev.elixr.tensor.Parallel.threads();
        try {
            dev.elixr.tensor.Parallel.setThreads(2);
            assertTrue(ElixrDemo.lmBeside(ElixrDemo.Plan.full()));
            assertFalse(ElixrDemo.lmBeside(ElixrDemo.Plan.full().withStageTwo(null)));
            assertFalse(ElixrDemo.lmBeside(ElixrDemo.Plan.full().withStageOne(null)));
            dev.elixr.tensor.Parallel.setThreads(1);
            assertFalse(ElixrDemo.lmBeside(ElixrDemo.Plan.full()), "one core: one job after the other");
            dev.elixr.tensor.Parallel.setThreads(4);
            assertFalse(ElixrDemo.lmBeside(ElixrDemo.Plan.full()), "four cores: each job keeps all of them");
        } finally {
            dev.elixr.tensor.Parallel.setThreads(before);
        }
    }

    @Test void theElixrCRunsMarkerLeavesStageTwoOut() throws Exception {
        String marker = new ObjectMapper().writeValueAsString(ElixrDemo.Plan.full());
        assertEquals(marker, new ObjectMapper().writeValueAsString(ElixrDemo.Plan.full().withStageTwo(null)));
        assertFalse(marker.contains("stageTwo"));
    }

    @Test void bothPlansTrainStageOneWithSixteenQueriesItcOnOneOnTextsSampledAsElixrCsAndKeepThemWhenTheEpochsOrTextsChange() {
        for (ElixrDemo.Plan p : new ElixrDemo.Plan[] {ElixrDemo.Plan.full(), ElixrDemo.Plan.quick()}) {
            assertEquals(16, p.stageOne().shape().queries());
            assertEquals(1, p.stageOne().itcQueries());
            assertEquals(new dev.elixr.tasks.train.QFormerTraining.Texts(0.5, 0.5), p.stageOne().texts());
            assertEquals(p.stageOne().texts(), p.stageOne().withEpochs(7).texts());
            assertEquals(16, p.stageOne().withEpochs(7).shape().queries());
            assertEquals(1, p.stageOne().withEpochs(7).itcQueries());
            assertEquals(1, p.stageOne().withTexts(dev.elixr.tasks.train.QFormerTraining.Texts.FULL).itcQueries());
        }
    }

    @Test void bothPlansCheckReportsByTheCombinedMethodFittedOnEveryValidationItemAndAPlanRefusesAnUnknownReportQaMethodOrNegativeFitItems() {
        for (LanguageDemo.Plan p : new LanguageDemo.Plan[] {LanguageDemo.Plan.full(), LanguageDemo.Plan.quick()}) {
            assertEquals("combined", p.reportQaMethod());
            assertEquals(0, p.reportQaFitItems());
        }
        var f = LanguageDemo.Plan.full();
        var combined = new LanguageDemo.Plan(f.lm(), f.lmEpochs(), f.lmBatch(), f.lmLr(), f.lmStudies(), f.steps(), f.batch(), f.lr(), f.trainQFormer(),
                f.mix(), f.vqaRepeats(), f.vqaItems(), f.reportQaItems(), f.impressionItems(), f.maxNewTokens(), "combined", 300);
        assertEquals(300, combined.reportQaFitItems());
        assertThrows(IllegalArgumentException.class, () -> new LanguageDemo.Plan(f.lm(), f.lmEpochs(), f.lmBatch(), f.lmLr(), f.lmStudies(), f.steps(),
                f.batch(), f.lr(), f.trainQFormer(), f.mix(), f.vqaRepeats(), f.vqaItems(), f.reportQaItems(), f.impressionItems(), f.maxNewTokens(), "questions", 0));
        assertThrows(IllegalArgumentException.class, () -> new LanguageDemo.Plan(f.lm(), f.lmEpochs(), f.lmBatch(), f.lmLr(), f.lmStudies(), f.steps(),
                f.batch(), f.lr(), f.trainQFormer(), f.mix(), f.vqaRepeats(), f.vqaItems(), f.reportQaItems(), f.impressionItems(), f.maxNewTokens(), "combined", -1));
    }
}
