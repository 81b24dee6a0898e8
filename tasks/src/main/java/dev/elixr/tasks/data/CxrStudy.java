package dev.elixr.tasks.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One chest X-ray image with its study's report and labels: the unit every reader returns and the loader batches.
 *
 * @param subjectId  patient identifier
 * @param studyId    study identifier (one report per study)
 * @param dicomId    image identifier (several images may share a study)
 * @param image      path of the image file
 * @param report     the free-text report (may be empty when a data set has none)
 * @param labels     the 14 CheXpert labels indexed by {@link CheXpertLabel#ordinal()}: 1, 0, -1 or NaN (not mentioned)
 * @param split      "train", "validate" or "test"
 * @param view       view position (PA, AP, LATERAL, LL, ...) or "" when unknown
 * @param attributes structured truth where known (synthetic data), else empty
 */
public record CxrStudy(String subjectId, String studyId, String dicomId, Path image, String report,
                       float[] labels, String split, String view, List<Finding> attributes) {

    public CxrStudy {
        if (labels.length != CheXpertLabel.values().length) {
            throw new IllegalArgumentException("study " + studyId + ": expected " + CheXpertLabel.values().length
                    + " labels, got " + labels.length);
        }
        attributes = List.copyOf(attributes);
    }

    /** The value of one label: 1, 0, -1 or NaN. */
    public float label(CheXpertLabel l) { return labels[l.ordinal()]; }

    /** The report's FINDINGS and IMPRESSION (or its last paragraph when it has neither), as image-text models read it. */
    public String findingsAndImpression() { return ReportSectioner.sections(report).text(); }

    /** Whether the image is a frontal view (PA or AP, including AP supine/erect variants); unknown counts as frontal. */
    public boolean isFrontal() { return isFrontalView(view); }

    /** PA, AP, AP AXIAL, "Frontal" and unknown views are frontal; LATERAL, LL, RL and others are not. */
    public static boolean isFrontalView(String view) {
        if (view == null || view.isBlank()) return true;
        String v = view.trim().toUpperCase(Locale.ROOT);
        return v.equals("PA") || v.startsWith("AP") || v.equals("FRONTAL") || v.equals("PA LLD") || v.equals("PA RLD");
    }
}
