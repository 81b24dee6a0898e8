package dev.elixr.tasks.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A hospital's own data set: a folder of DICOM files (Part 10, {@code .dcm}) and a labels CSV, {@code labels.csv}, at
 * its root ({@code --dataset dicom}). Columns: {@code Path} (the image, relative to the folder), {@code Patient} (the
 * patient id the splits go by), any of the 14 CheXpert label columns ({@code Atelectasis}, ..., {@code No Finding}:
 * 1 positive, 0 negative, −1 uncertain, blank unmentioned; a missing column is unmentioned throughout), and optionally
 * {@code Report} (the report's text, so that the folder can train ELIXR-C) and {@code View} (a lateral view is left
 * out, as in every reader). Patients split 70/10/20 (train/validate/test) by a hash of the patient id, as IU X-ray's
 * uids and CheXpert's held-out patients.
 */
public final class DicomFolder {
    /** The labels CSV at the folder's root. */
    public static final String LABELS = "labels.csv";

    private DicomFolder() {}

    /** Every labelled frontal image, in the CSV's order; uncertain labels kept for the evaluation's policy. */
    public static List<CxrStudy> read(Path root) throws IOException {
        Path file = root.resolve(LABELS);
        if (!Files.isRegularFile(file))
            throw new NoSuchFileException(file.toString(), null, "a DICOM folder needs " + LABELS
                    + " at its root (columns Path, Patient, the CheXpert findings, optionally Report and View)");
        Csv c = Csv.read(file);
        c.column("Path");
        c.column("Patient");
        List<CxrStudy> out = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            String view = c.has("View") ? c.get(i, "View").trim() : "";
            if (!view.isEmpty() && !CxrStudy.isFrontalView(view)) continue;
            String rel = c.get(i, "Path").trim(), patient = c.get(i, "Patient").trim();
            if (rel.isEmpty() || patient.isEmpty())
                throw new IllegalArgumentException(file + ": row " + (i + 2) + " has an empty " + (rel.isEmpty() ? "Path" : "Patient"));
            float[] labels = CheXpertLabel.blankLabels();
            for (CheXpertLabel l : CheXpertLabel.values()) if (c.has(l.column())) labels[l.ordinal()] = c.label(i, l.column());
            String id = rel.replaceFirst("\\.[A-Za-z0-9]+$", "");
            out.add(new CxrStudy(patient, id, id, root.resolve(rel), c.has("Report") ? c.get(i, "Report") : "", labels, split(patient),
                    view, List.of()));
        }
        return out;
    }

    /** Whether the folder has the labels CSV a DICOM folder is recognised by. */
    static boolean looksLikeOne(Path root) { return Files.isRegularFile(root.resolve(LABELS)); }

    /** 70/10/20 by a hash of the patient id. */
    static String split(String patient) {
        long h = patient.hashCode() * 0x9E3779B97F4A7C15L;
        double u = ((h >>> 11) & ((1L << 53) - 1)) / (double) (1L << 53);
        return u < 0.2 ? "test" : u < 0.3 ? "validate" : "train";
    }
}
