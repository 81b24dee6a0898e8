package dev.elixr.tasks.data;

import java.util.Arrays;
import java.util.List;

/**
 * The 14 CheXpert observation labels (Irvin et al., AAAI 2019, Table 1), in the column order of the CheXpert and
 * MIMIC-CXR-JPG label files. The 13 findings are all but {@link #NO_FINDING}. A label value is 1 (positive),
 * 0 (negative), -1 (uncertain) or NaN (not mentioned).
 */
public enum CheXpertLabel {
    ATELECTASIS("Atelectasis", "atelectasis"),
    CARDIOMEGALY("Cardiomegaly", "cardiomegaly"),
    CONSOLIDATION("Consolidation", "consolidation"),
    EDEMA("Edema", "pulmonary edema"),
    ENLARGED_CARDIOMEDIASTINUM("Enlarged Cardiomediastinum", "enlarged cardiomediastinum"),
    FRACTURE("Fracture", "fracture"),
    LUNG_LESION("Lung Lesion", "lung lesion"),
    LUNG_OPACITY("Lung Opacity", "lung opacity"),
    NO_FINDING("No Finding", "no finding"),
    PLEURAL_EFFUSION("Pleural Effusion", "pleural effusion"),
    PLEURAL_OTHER("Pleural Other", "pleural thickening"),
    PNEUMONIA("Pneumonia", "pneumonia"),
    PNEUMOTHORAX("Pneumothorax", "pneumothorax"),
    SUPPORT_DEVICES("Support Devices", "support devices");

    /** The 13 findings (every label but No Finding), in column order. */
    public static final List<CheXpertLabel> FINDINGS =
            Arrays.stream(values()).filter(l -> l != NO_FINDING).toList();

    private final String column;
    private final String phrase;

    CheXpertLabel(String column, String phrase) {
        this.column = column;
        this.phrase = phrase;
    }

    /** The CSV column header, e.g. {@code "Pleural Effusion"}. */
    public String column() { return column; }

    /** A plain lower-case phrase naming the finding, e.g. for prompts: {@code "pleural effusion"}. */
    public String phrase() { return phrase; }

    /** The label whose CSV column is {@code column}; throws naming the column when there is none. */
    public static CheXpertLabel ofColumn(String column) {
        for (CheXpertLabel l : values()) if (l.column.equalsIgnoreCase(column.trim())) return l;
        throw new IllegalArgumentException("not a CheXpert label column: '" + column + "'");
    }

    /** An array of 14 NaN values (all labels "not mentioned"), indexed by ordinal. */
    public static float[] blankLabels() {
        float[] v = new float[values().length];
        Arrays.fill(v, Float.NaN);
        return v;
    }
}
