package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.language.AssertionQuestions.Question;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AssertionQuestionsTest {
    private static final List<String> YES_NO = List.of("yes", "no"), SIDES = List.of("left", "right", "bilateral");

    @Test
    void eachAssertionIsAskedPresenceSideAndSeverityInEveryWordingAndEachUnmentionedFindingPresence() {
        List<Question> qs = AssertionQuestions.of(ReportAssertions.parse(
                "FINDINGS: Small left pleural effusion. No pneumothorax. IMPRESSION: Severe cardiomegaly."));
        CheXpertLabel cm = CheXpertLabel.CARDIOMEGALY, pe = CheXpertLabel.PLEURAL_EFFUSION;
        assertEquals(List.of(
                new Question("insertion", cm, "Is there cardiomegaly?", YES_NO, "yes"),
                new Question("insertion", cm, "Does this image show cardiomegaly?", YES_NO, "yes"),
                new Question("insertion", cm, "Is there evidence of cardiomegaly?", YES_NO, "yes"),
                new Question("severity", cm, "How severe is the cardiomegaly?", List.of("mild", "moderate", "severe"), "severe"),
                new Question("insertion", pe, "Is there a pleural effusion?", YES_NO, "yes"),
                new Question("insertion", pe, "Does this image show a pleural effusion?", YES_NO, "yes"),
                new Question("insertion", pe, "Is there evidence of pleural effusion?", YES_NO, "yes"),
                new Question("laterality", pe, "On which side is the pleural effusion?", SIDES, "left"),
                new Question("laterality", pe, "Is the pleural effusion on the left, the right or both sides?", SIDES, "left"),
                new Question("laterality", pe, "Which lung is affected by the pleural effusion?", SIDES, "left"),
                new Question("severity", pe, "How large is the pleural effusion?", List.of("small", "moderate", "large"), "small")),
                qs.subList(0, 11));
        // 13 findings less support devices, less the three mentioned: nine omission questions in three wordings, each implying "no"
        List<Question> omissions = qs.subList(11, qs.size());
        assertEquals(27, omissions.size());
        assertEquals(new Question("omission", CheXpertLabel.ATELECTASIS, "Is there atelectasis?", YES_NO, "no"), omissions.getFirst());
        omissions.forEach(q -> assertEquals("omission", q.error()));
    }

    @Test
    void aQuestionWhoseImpliedAnswerIsNotAmongItsAnswersIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Question("laterality", CheXpertLabel.PNEUMOTHORAX, "On which side is the pneumothorax?", List.of("left", "right"), "bilateral"));
    }
}
