package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;

/**
 * The wordings of a VQA presence question ("Is there a pleural effusion?"), shared by the generator of
 * {@code vqa.jsonl} and by the language model's instruction corpus, which asks them of every labelled finding.
 */
public final class PresenceQuestion {
    /** How many wordings there are. */
    public static final int FORMS = 3;

    private PresenceQuestion() {}

    /** Wording {@code form} (0 ≤ form < {@link #FORMS}) of the question whether the image shows {@code l}. */
    public static String of(CheXpertLabel l, int form) {
        String p = l.phrase();
        String a = switch (l) {
            case PLEURAL_EFFUSION, PNEUMOTHORAX, LUNG_LESION, FRACTURE, LUNG_OPACITY -> "a ";
            case ENLARGED_CARDIOMEDIASTINUM -> "an ";
            default -> "";
        };
        return switch (form) {
            case 0 -> "Is there " + a + p + "?";
            case 1 -> "Does this image show " + a + p + "?";
            case 2 -> "Is there evidence of " + p + "?";
            default -> throw new IllegalArgumentException("presence question form " + form + ": expected 0.." + (FORMS - 1));
        };
    }
}
