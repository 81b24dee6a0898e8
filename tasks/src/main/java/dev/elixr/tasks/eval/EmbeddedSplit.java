package dev.elixr.tasks.eval;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.LabelPolicy;

import java.util.List;

/**
 * One split of a data set after encoding: per image its dicom_id, patient, L2-normalised embedding and
 * CheXpert labels for {@link Findings#CHEXPERT_13} (1 positive, 0 negative, -1 uncertain, NaN not mentioned).
 */
public record EmbeddedSplit(List<String> ids, List<String> patients, float[][] embeddings, float[][] labels) {
    public EmbeddedSplit {
        int n = ids.size();
        if (patients.size() != n || embeddings.length != n || labels.length != n)
            throw new IllegalArgumentException("EmbeddedSplit: " + n + " ids but " + patients.size() + " patients, "
                    + embeddings.length + " embeddings, " + labels.length + " label rows");
        for (float[] row : labels)
            if (row.length != Findings.CHEXPERT_13.size())
                throw new IllegalArgumentException("EmbeddedSplit: label rows need " + Findings.CHEXPERT_13.size() + " columns, got " + row.length);
    }

    /** The split of these studies with the given embeddings (one row per study, same order). */
    public static EmbeddedSplit of(List<CxrStudy> studies, float[][] embeddings) {
        float[][] labels = new float[studies.size()][];
        for (int i = 0; i < labels.length; i++) {
            float[] l = new float[Findings.CHEXPERT_13.size()];
            for (int j = 0; j < l.length; j++) l[j] = studies.get(i).label(CheXpertLabel.ofColumn(Findings.CHEXPERT_13.get(j)));
            labels[i] = l;
        }
        return new EmbeddedSplit(studies.stream().map(CxrStudy::dicomId).toList(),
                studies.stream().map(CxrStudy::subjectId).toList(), embeddings, labels);
    }

    public int size() {
        return ids.size();
    }

    /** 1 or 0 when image {@code i} is labelled positive or negative for {@code finding}, else NaN (uncertain or blank). */
    public double binaryLabel(int i, String finding) {
        return binaryLabel(i, finding, LabelPolicy.IGNORE_BOTH);
    }

    /**
     * The same split with every label replaced by its binary value under {@code policy} (1, 0, or NaN when left out),
     * so that a probe reading {@link #binaryLabel(int, String)} fits and is scored under that policy.
     */
    public EmbeddedSplit withLabelPolicy(LabelPolicy policy) {
        float[][] mapped = new float[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            mapped[i] = new float[labels[i].length];
            for (int j = 0; j < mapped[i].length; j++) mapped[i][j] = (float) policy.binary(labels[i][j]);
        }
        return new EmbeddedSplit(ids, patients, embeddings, mapped);
    }

    /** The binary label of image {@code i} for {@code finding} under {@code policy}; NaN when the image is left out. */
    public double binaryLabel(int i, String finding, LabelPolicy policy) {
        return policy.binary(labels[i][Findings.index(finding)]);
    }
}
