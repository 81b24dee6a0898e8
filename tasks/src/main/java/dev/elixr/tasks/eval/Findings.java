package dev.elixr.tasks.eval;

import java.util.List;

/** The CheXpert findings the evaluations use (ELIXR section 2.3): all 13 for zero-shot, the paper's 5 for probes. */
public final class Findings {
    private Findings() {}

    /** The 13 CheXpert findings (all labels but "No Finding"), in CheXpert column order. */
    public static final List<String> CHEXPERT_13 = List.of("Atelectasis", "Cardiomegaly", "Consolidation", "Edema",
            "Enlarged Cardiomediastinum", "Fracture", "Lung Lesion", "Lung Opacity", "Pleural Effusion", "Pleural Other",
            "Pneumonia", "Pneumothorax", "Support Devices");

    /** The five findings of the paper's data-efficient experiments. */
    public static final List<String> DATA_EFFICIENT_5 =
            List.of("Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion");

    /** Column of {@code finding} in {@link #CHEXPERT_13}; a clear error for unknown names. */
    public static int index(String finding) {
        int i = CHEXPERT_13.indexOf(finding);
        if (i < 0) throw new IllegalArgumentException("unknown CheXpert finding '" + finding + "'; known: " + CHEXPERT_13);
        return i;
    }
}
