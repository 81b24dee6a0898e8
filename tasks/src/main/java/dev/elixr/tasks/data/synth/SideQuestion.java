package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;

/**
 * The wordings of a VQA laterality question ("On which side is the pleural effusion?"), shared by the generator of
 * {@code vqa.jsonl} and by the report check that asks them of a report's assertions.
 */
public final class SideQuestion {
    /** How many wordings there are. */
    public static final int FORMS = 3;

    private SideQuestion() {}

    /** Wording {@code form} (0 ≤ form < {@link #FORMS}) of the question on which side {@code l} is. */
    public static String of(CheXpertLabel l, int form) {
        String p = l.phrase();
        return switch (form) {
            case 0 -> "On which side is the " + p + "?";
            case 1 -> "Is the " + p + " on the left, the right or both sides?";
            case 2 -> "Which lung is affected by the " + p + "?";
            default -> throw new IllegalArgumentException("side question form " + form + ": expected 0.." + (FORMS - 1));
        };
    }
}
