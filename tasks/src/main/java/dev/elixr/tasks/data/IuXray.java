package dev.elixr.tasks.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Indiana University chest X-ray collection (Open-i; Demner-Fushman et al., JAMIA 2016) in its common
 * CSV form: {@code indiana_reports.csv} (uid, MeSH, Problems, image, indication, comparison, findings, impression)
 * and {@code indiana_projections.csv} (uid, filename, projection), with PNG images under
 * {@code images/images_normalized/} or {@code images/}. Labels come from the Problems column (MeSH-like terms,
 * "normal" meaning No Finding) by the mapping below: a study whose Problems cell is filled lists all its coded problems,
 * so a mapped finding it does not list is negative (0), one it lists positive (1); an empty cell leaves every label
 * blank. No Problems term maps to Enlarged Cardiomediastinum ("Mediastinum" names the anatomy, not its enlargement), so
 * that finding is always blank. Patients are split deterministically by uid.
 *
 * <p>Mapping: Pulmonary Atelectasis, Atelectasis → Atelectasis; Cardiomegaly → Cardiomegaly; Consolidation →
 * Consolidation; Pulmonary Edema, Edema → Edema; Fractures, Bone → Fracture; Nodule, Mass, Lung Neoplasms → Lung Lesion;
 * Opacity → Lung Opacity; Pleural Effusion → Pleural Effusion; Pleural Thickening → Pleural Other; Pneumonia →
 * Pneumonia; Pneumothorax → Pneumothorax; Medical Device, Implanted Medical Device, Catheters, Indwelling, Tube,
 * Inserted → Support Devices; normal → No Finding.
 */
public final class IuXray {
    private IuXray() {}

    private static final Map<String, CheXpertLabel> PROBLEMS = Map.ofEntries(
            Map.entry("cardiomegaly", CheXpertLabel.CARDIOMEGALY), Map.entry("pleural effusion", CheXpertLabel.PLEURAL_EFFUSION),
            Map.entry("pulmonary atelectasis", CheXpertLabel.ATELECTASIS), Map.entry("atelectasis", CheXpertLabel.ATELECTASIS),
            Map.entry("opacity", CheXpertLabel.LUNG_OPACITY), Map.entry("pneumonia", CheXpertLabel.PNEUMONIA),
            Map.entry("pneumothorax", CheXpertLabel.PNEUMOTHORAX), Map.entry("pulmonary edema", CheXpertLabel.EDEMA),
            Map.entry("edema", CheXpertLabel.EDEMA), Map.entry("consolidation", CheXpertLabel.CONSOLIDATION),
            Map.entry("fractures, bone", CheXpertLabel.FRACTURE), Map.entry("nodule", CheXpertLabel.LUNG_LESION),
            Map.entry("mass", CheXpertLabel.LUNG_LESION), Map.entry("lung neoplasms", CheXpertLabel.LUNG_LESION),
            Map.entry("medical device", CheXpertLabel.SUPPORT_DEVICES), Map.entry("implanted medical device", CheXpertLabel.SUPPORT_DEVICES),
            Map.entry("catheters, indwelling", CheXpertLabel.SUPPORT_DEVICES), Map.entry("tube, inserted", CheXpertLabel.SUPPORT_DEVICES),
            Map.entry("pleural thickening", CheXpertLabel.PLEURAL_OTHER));

    /** Frontal images with reports; splits 70/10/20 by a hash of the uid. */
    public static List<CxrStudy> read(Path root, boolean frontalOnly) throws IOException {
        Csv reports = Csv.read(root.resolve("indiana_reports.csv"));
        Csv projections = Csv.read(root.resolve("indiana_projections.csv"));
        Map<String, Integer> byUid = new HashMap<>();
        for (int i = 0; i < reports.size(); i++) byUid.put(reports.get(i, "uid"), i);
        Path images = Files.isDirectory(root.resolve("images").resolve("images_normalized"))
                ? root.resolve("images").resolve("images_normalized") : root.resolve("images");
        List<CxrStudy> out = new ArrayList<>();
        for (int i = 0; i < projections.size(); i++) {
            String uid = projections.get(i, "uid"), file = projections.get(i, "filename"), proj = projections.get(i, "projection");
            Integer r = byUid.get(uid);
            if (r == null) throw new IOException(root.resolve("indiana_projections.csv") + ": row " + (i + 2) + ": uid " + uid + " has no report");
            if (frontalOnly && !proj.trim().equalsIgnoreCase("Frontal")) continue;
            String findings = reports.get(r, "findings").trim(), impression = reports.get(r, "impression").trim();
            String text = ((findings.isEmpty() ? "" : "FINDINGS: " + findings) + (impression.isEmpty() ? "" : "\nIMPRESSION: " + impression)).trim(); // sectioned like MIMIC's
            out.add(new CxrStudy(uid, uid, file.replaceFirst("\\.[A-Za-z]+$", ""), images.resolve(file), text,
                    labels(reports.get(r, "Problems")), split(uid), proj.trim().equalsIgnoreCase("Frontal") ? "Frontal" : "LATERAL", List.of()));
        }
        return out;
    }

    /** The findings some Problems term maps to (all of the 13 but Enlarged Cardiomediastinum). */
    public static Set<CheXpertLabel> mappedFindings() { return EnumSet.copyOf(PROBLEMS.values()); }

    /** The Problems term the synthetic IU X-ray layout writes for a label (the first of the mapping's terms for it). */
    public static String problemTerm(CheXpertLabel l) {
        return switch (l) {
            case ATELECTASIS -> "Pulmonary Atelectasis";
            case CARDIOMEGALY -> "Cardiomegaly";
            case CONSOLIDATION -> "Consolidation";
            case EDEMA -> "Pulmonary Edema";
            case FRACTURE -> "Fractures, Bone";
            case LUNG_LESION -> "Nodule";
            case LUNG_OPACITY -> "Opacity";
            case PLEURAL_EFFUSION -> "Pleural Effusion";
            case PLEURAL_OTHER -> "Pleural Thickening";
            case PNEUMONIA -> "Pneumonia";
            case PNEUMOTHORAX -> "Pneumothorax";
            case SUPPORT_DEVICES -> "Medical Device";
            case NO_FINDING -> "normal";
            case ENLARGED_CARDIOMEDIASTINUM -> null;
        };
    }

    /**
     * Labels from a Problems cell such as "Cardiomegaly;Pulmonary Atelectasis": listed mapped findings 1, the other
     * mapped findings and No Finding 0 ("normal" sets No Finding 1); unknown terms are ignored; an empty cell is all blank.
     */
    static float[] labels(String problems) {
        float[] v = CheXpertLabel.blankLabels();
        if (problems.isBlank()) return v;
        for (CheXpertLabel l : PROBLEMS.values()) v[l.ordinal()] = 0f;
        v[CheXpertLabel.NO_FINDING.ordinal()] = 0f;
        for (String term : problems.split(";")) {
            String t = term.trim().toLowerCase(Locale.ROOT);
            if (t.equals("normal")) v[CheXpertLabel.NO_FINDING.ordinal()] = 1f;
            CheXpertLabel l = PROBLEMS.get(t);
            if (l != null) v[l.ordinal()] = 1f;
        }
        return v;
    }

    static String split(String uid) {
        long h = uid.hashCode() * 0x9E3779B97F4A7C15L;
        double u = ((h >>> 11) & ((1L << 53) - 1)) / (double) (1L << 53);
        return u < 0.2 ? "test" : u < 0.3 ? "validate" : "train";
    }
}
