package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding.Laterality;
import dev.elixr.tasks.data.Finding.Severity;
import dev.elixr.tasks.data.synth.PresenceQuestion;
import dev.elixr.tasks.data.synth.SeverityQuestion;
import dev.elixr.tasks.data.synth.SideQuestion;
import dev.elixr.tasks.language.ReportAssertions.Assertion;
import dev.elixr.tasks.language.ReportAssertions.Parsed;

import java.util.ArrayList;
import java.util.List;

/**
 * A report check as visual questions over the report's assertions ({@link ReportAssertions}), in the wording of the
 * VQA items stage 2 was trained on ({@code vqa.jsonl}): for each finding the report asserts, whether the image shows it
 * (an inserted finding is answered "no"), on which side it is (where the report gives a side) and how large or severe
 * it is (where the report grades it); for each finding the report never mentions, whether the image shows it (an
 * omitted finding is answered "yes"). Each question carries the answer the report implies and the error type a
 * different answer points to.
 */
public final class AssertionQuestions {
    /** One question: the error type it tests, its finding, its text, the closed answers, and the one the report implies. */
    public record Question(String error, CheXpertLabel label, String text, List<String> answers, String implied) {
        public Question {
            answers = List.copyOf(answers);
            if (!answers.contains(implied)) throw new IllegalArgumentException("question '" + text + "': implied answer '" + implied + "' not among " + answers);
        }
    }

    static final List<String> YES_NO = List.of("yes", "no"), SIDES = List.of("left", "right", "bilateral"),
            SIZES = List.of("small", "moderate", "large"), GRADES = List.of("mild", "moderate", "severe");

    private AssertionQuestions() {}

    /** The questions of a parsed report: per assertion presence, side and severity, then presence of each unmentioned finding. */
    public static List<Question> of(Parsed report) {
        List<Question> out = new ArrayList<>();
        for (Assertion a : report.asserted()) {
            out.add(new Question("insertion", a.label(), PresenceQuestion.of(a.label(), 0), YES_NO, "yes"));
            if (a.side() != null && a.label() != CheXpertLabel.EDEMA)
                out.add(new Question("laterality", a.label(), SideQuestion.of(a.label(), 0), SIDES, sideWord(a.side())));
            if (a.severity() != null && ReportAssertions.GRADED.contains(a.label())) out.add(severity(a.label(), a.severity()));
        }
        for (CheXpertLabel l : CheXpertLabel.FINDINGS)
            if (l != CheXpertLabel.SUPPORT_DEVICES && !report.mentioned().contains(l))
                out.add(new Question("omission", l, PresenceQuestion.of(l, 0), YES_NO, "no"));
        return out;
    }

    static Question severity(CheXpertLabel l, Severity s) {
        return SeverityQuestion.bySize(l) ? new Question("severity", l, SeverityQuestion.of(l), SIZES, s.word())
                : new Question("severity", l, SeverityQuestion.of(l), GRADES, s.gradeWord());
    }

    static String sideWord(Laterality l) { return l == Laterality.BILATERAL ? "bilateral" : l.word(); }
}
