package dev.elixr.tasks.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Sanity flags on one finding's zero-shot AUC, so that a flipped prompt pair or label (CheXzero's "No Finding" at
 * AUC 0.07) or an AUC from a handful of images cannot pass quietly. Keys are what metrics.json writes.
 */
public enum ZeroShotFlag {
    NO_POSITIVES("no_positives", "no image labelled positive: the AUC is undefined (n/a) and left out of the mean"),
    NO_NEGATIVES("no_negatives", "no image labelled negative: the AUC is undefined (n/a) and left out of the mean"),
    TOO_FEW_POSITIVES("too_few_positives", "fewer than " + ZeroShotFlag.MIN_CLASS_COUNT
            + " positive images: the AUC and its interval rest on too few cases to mean much"),
    TOO_FEW_NEGATIVES("too_few_negatives", "fewer than " + ZeroShotFlag.MIN_CLASS_COUNT
            + " negative images: the AUC and its interval rest on too few cases to mean much"),
    AUC_BELOW_HALF("auc_below_0.5", "AUC below 0.5 (worse than chance): likely a flipped prompt pair or flipped labels; "
            + "without ci95_below_0.5 the 95% interval still reaches 0.5, so chance is not ruled out"),
    CI_BELOW_HALF("ci95_below_0.5", "the whole 95% interval lies below 0.5: the inversion is not chance; check the prompts "
            + "(single-pair AUCs) and the labels");

    /** A finding with fewer positives (or negatives) than this is flagged {@link #TOO_FEW_POSITIVES} ({@link #TOO_FEW_NEGATIVES}). */
    public static final int MIN_CLASS_COUNT = 10;

    private final String key;
    private final String meaning;

    ZeroShotFlag(String key, String meaning) {
        this.key = key;
        this.meaning = meaning;
    }

    public String key() { return key; }

    /** One sentence for people: what the flag says and what to check. */
    public String meaning() { return meaning; }

    /** The flags of a finding with these class counts, AUC and upper CI bound (NaN when undefined). */
    public static List<ZeroShotFlag> of(int nPos, int nNeg, double auc, double ci95High) {
        List<ZeroShotFlag> out = new ArrayList<>();
        if (nPos == 0) out.add(NO_POSITIVES);
        else if (nPos < MIN_CLASS_COUNT) out.add(TOO_FEW_POSITIVES);
        if (nNeg == 0) out.add(NO_NEGATIVES);
        else if (nNeg < MIN_CLASS_COUNT) out.add(TOO_FEW_NEGATIVES);
        if (auc < 0.5) out.add(AUC_BELOW_HALF);
        if (ci95High < 0.5) out.add(CI_BELOW_HALF);
        return List.copyOf(out);
    }
}
