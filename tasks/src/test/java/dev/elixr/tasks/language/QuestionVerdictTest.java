package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.language.AssertionQuestions.Question;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QuestionVerdictTest {
    private static final Question SIDE = new Question("laterality", CheXpertLabel.PNEUMOTHORAX, "On which side is the pneumothorax?",
            List.of("left", "right", "bilateral"), "left");
    private static final Question PRESENT = new Question("insertion", CheXpertLabel.PNEUMOTHORAX, "Is there a pneumothorax?", List.of("yes", "no"), "yes");
    private static final Question ABSENT = new Question("omission", CheXpertLabel.EDEMA, "Is there pulmonary edema?", List.of("yes", "no"), "no");
    private static final double[] THRESHOLDS = {1.0, 0.5, 0.0, 2.0};

    @Test
    void evidenceIsTheBestOtherAnswerLessTheImpliedOne() {
        assertEquals(-0.5 - -2.0, QuestionVerdict.evidence(SIDE, new double[] {-2.0, -0.5, -3.0}), 1e-12);
        assertEquals(-1.0 - -0.2, QuestionVerdict.evidence(PRESENT, new double[] {-0.2, -1.0}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> QuestionVerdict.evidence(PRESENT, new double[] {-0.2}));
    }

    @Test
    void byTypeTakesTheLargestEvidenceOfEachTypeAndMinusInfinityWhereNoneWasAsked() {
        double[] e = QuestionVerdict.byType(List.of(PRESENT, SIDE, ABSENT, ABSENT), new double[] {-1, 0.3, -2, 0.7});
        assertArrayEquals(new double[] {0.7, -1, 0.3, Double.NEGATIVE_INFINITY}, e);
    }

    @Test
    void aReportIsCorrectWhenNoTypeExceedsItsThreshold() {
        assertEquals("none", QuestionVerdict.verdict(new double[] {0.9, 0.5, -3, Double.NEGATIVE_INFINITY}, THRESHOLDS));
    }

    @Test
    void eachErrorTypeIsNamedWhenItAloneExceedsItsThreshold() {
        assertEquals("omission", QuestionVerdict.verdict(new double[] {1.5, 0, -1, 0}, THRESHOLDS));
        assertEquals("insertion", QuestionVerdict.verdict(new double[] {0, 0.6, -1, 0}, THRESHOLDS));
        assertEquals("laterality", QuestionVerdict.verdict(new double[] {0, 0, 0.1, 0}, THRESHOLDS));
        assertEquals("severity", QuestionVerdict.verdict(new double[] {0, 0, -1, 2.5}, THRESHOLDS));
    }

    @Test
    void theTypeThatExceedsItsThresholdMostWins() {
        assertEquals("laterality", QuestionVerdict.verdict(new double[] {1.2, 0.6, 0.9, 2.1}, THRESHOLDS));
    }

    @Test
    void fittedThresholdsSeparateLabelledItemsThatAThresholdCanSeparate() {
        List<double[]> e = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            e.add(new double[] {-1 + 0.01 * i, -2, -1, Double.NEGATIVE_INFINITY});
            truth.add("none");
            e.add(new double[] {3 + i, -2, -1, Double.NEGATIVE_INFINITY});
            truth.add("omission");
            e.add(new double[] {-1, -2, 0.5 + 0.1 * i, Double.NEGATIVE_INFINITY});
            truth.add("laterality");
        }
        double[] th = QuestionVerdict.fit(e, truth, 64);
        for (int i = 0; i < e.size(); i++) assertEquals(truth.get(i), QuestionVerdict.verdict(e.get(i), th), "item " + i);
        assertEquals(Double.POSITIVE_INFINITY, th[1], "insertion is never true here, so it is never called");
    }

    @Test
    void withNoUsefulEvidenceTheFitKeepsEveryReportCorrectWhenMostAreCorrect() {
        List<double[]> e = List.of(new double[] {0, 0, 0, 0}, new double[] {0, 0, 0, 0}, new double[] {0, 0, 0, 0});
        double[] th = QuestionVerdict.fit(e, List.of("none", "none", "omission"), 8);
        for (double[] x : e) assertEquals("none", QuestionVerdict.verdict(x, th));
    }
}
