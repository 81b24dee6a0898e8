package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.language.AssertionQuestions.Question;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AssertionQuestionsTest {
    @Test
    void eachAssertionIsAskedPresenceSideAndSeverityAndEachUnmentionedFindingPresence() {
        List<Question> qs = AssertionQuestions.of(ReportAssertions.parse(
                "FINDINGS: Small left pleural effusion. No pneumothorax. IMPRESSION: Severe cardiomegaly."));
        assertEquals(List.of(
                new Question("insertion", CheXpertLabel.CARDIOMEGALY, "Is there cardiomegaly?", List.of("yes", "no"), "yes"),
                new Question("severity", CheXpertLabel.CARDIOMEGALY, "How severe is the cardiomegaly?", List.of("mild", "moderate", "severe"), "severe"),
                new Question("insertion", CheXpertLabel.PLEURAL_EFFUSION, "Is there a pleural effusion?", List.of("yes", "no"), "yes"),
                new Question("laterality", CheXpertLabel.PLEURAL_EFFUSION, "On which side is the pleural effusion?", List.of("left", "right", "bilateral"), "left"),
                new Question("severity", CheXpertLabel.PLEURAL_EFFUSION, "How large is the pleural effusion?", List.of("small", "moderate", "large"), "small")),
                qs.subList(0, 5));
        // 13 findings less support devices, less the three mentioned: nine omission questions, each implying "no"
        List<Question> omissions = qs.subList(5, qs.size());
        assertEquals(9, omissions.size());
        assertEquals(new Question("omission", CheXpertLabel.ATELECTASIS, "Is there atelectasis?",
                List.of("yes", "no"), "no"), omissions.getFirst());
        omissions.forEach(q -> assertEquals("omission", q.error()));
    }

    @Test
    void aQuestionWhoseImpliedAnswerIsNotAmongItsAnswersIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Question("laterality", CheXpertLabel.PNEUMOTHORAX, "On which side is the pneumothorax?", List.of("left", "right"), "bilateral"));
    }
}
