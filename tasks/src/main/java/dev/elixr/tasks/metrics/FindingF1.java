package dev.elixr.tasks.metrics;

/**
 * F1 of one finding over a set of reports, positives as a labeller reads them (1 positive; 0, −1 and not mentioned
 * negative, as CheXbert-style report-generation scores count them): 2TP / (2TP + FP + FN), undefined (null) when
 * neither the references nor the generated reports name the finding.
 */
public final class FindingF1 {
    private int tp, fp, fn, support;

    /** One report pair: whether the reference and the generated text assert the finding. */
    public void add(boolean reference, boolean generated) {
        if (reference) support++;
        if (reference && generated) tp++;
        else if (generated) fp++;
        else if (reference) fn++;
    }

    public Double f1() { return tp + fp + fn == 0 ? null : 2.0 * tp / (2.0 * tp + fp + fn); }

    public int truePositives() { return tp; }

    public int falsePositives() { return fp; }

    public int falseNegatives() { return fn; }

    /** Reports whose reference asserts the finding. */
    public int support() { return support; }
}
