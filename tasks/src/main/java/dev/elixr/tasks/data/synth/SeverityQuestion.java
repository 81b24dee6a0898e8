package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;

/**
 * The VQA severity question of a graded finding, shared by the generator of {@code vqa.jsonl} and by the report check:
 * a pleural effusion or pneumothorax is asked by size ("How large is the pneumothorax?", answered small, moderate or
 * large), other findings by grade ("How severe is the cardiomegaly?", answered mild, moderate or severe).
 */
public final class SeverityQuestion {
    private SeverityQuestion() {}

    /** Whether {@code l}'s severity is asked as a size (and answered by {@code Severity.word()}) rather than a grade. */
    public static boolean bySize(CheXpertLabel l) { return l == CheXpertLabel.PLEURAL_EFFUSION || l == CheXpertLabel.PNEUMOTHORAX; }

    /** The question how large or how severe {@code l} is. */
    public static String of(CheXpertLabel l) {
        return (bySize(l) ? "How large is the " : "How severe is the ") + l.phrase() + "?";
    }
}
