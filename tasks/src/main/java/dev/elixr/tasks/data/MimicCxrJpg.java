package dev.elixr.tasks.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads MIMIC-CXR-JPG (Johnson et al., PhysioNet 2019) and the synthetic data sets written in its layout:
 * {@code mimic-cxr-2.0.0-split.csv.gz} lists the images (dicom_id, study_id, subject_id, split);
 * {@code mimic-cxr-2.0.0-chexpert.csv.gz} gives the 14 labels per study; {@code mimic-cxr-2.0.0-metadata.csv.gz}
 * the view position; reports are {@code files/p1X/p<subject>/s<study>.txt} (or under a separate reports root, as
 * PhysioNet ships mimic-cxr-reports); {@code synthetic-attributes.csv.gz}, when present, adds structured truth.
 * Images are {@code <dicom_id>.jpg}, or {@code <dicom_id>.dcm} (the DICOM release, MIMIC-CXR, in the same folders)
 * or {@code .png} when the first image listed exists only with that extension.
 */
public final class MimicCxrJpg {
    private MimicCxrJpg() {}

    public static final String SPLIT = "mimic-cxr-2.0.0-split.csv.gz";
    public static final String CHEXPERT = "mimic-cxr-2.0.0-chexpert.csv.gz";
    public static final String METADATA = "mimic-cxr-2.0.0-metadata.csv.gz";
    public static final String ATTRIBUTES = "synthetic-attributes.csv.gz";

    /** Frontal images of all splits, reports from {@code root/files}. */
    public static List<CxrStudy> read(Path root) throws IOException { return read(root, root, true); }

    /**
     * @param root        the folder holding the CSVs and {@code files/}
     * @param reportsRoot the folder holding {@code files/p1X/p<subject>/s<study>.txt} (often the same as root)
     * @param frontalOnly keep PA and AP views only (needs the metadata file; without it every image is kept)
     */
    public static List<CxrStudy> read(Path root, Path reportsRoot, boolean frontalOnly) throws IOException {
        Path splitFile = root.resolve(SPLIT);
        if (!Files.isRegularFile(splitFile)) {
            throw new NoSuchFileException(splitFile.toString(), null,
                    "not a MIMIC-CXR-JPG folder: " + SPLIT + " is missing (generate one with `elixr data synth --out DIR`)");
        }
        Csv split = Csv.read(splitFile);
        Map<String, float[]> labels = new HashMap<>();
        if (Files.isRegularFile(root.resolve(CHEXPERT))) {
            Csv c = Csv.read(root.resolve(CHEXPERT));
            for (int i = 0; i < c.size(); i++) {
                float[] v = CheXpertLabel.blankLabels();
                for (CheXpertLabel l : CheXpertLabel.values()) if (c.has(l.column())) v[l.ordinal()] = c.label(i, l.column());
                labels.put(c.get(i, "study_id"), v);
            }
        }
        Map<String, String> views = new HashMap<>();
        if (Files.isRegularFile(root.resolve(METADATA))) {
            Csv m = Csv.read(root.resolve(METADATA));
            int d = m.column("dicom_id"), v = m.column("ViewPosition");
            for (int i = 0; i < m.size(); i++) views.put(m.get(i, d), m.get(i, v));
        }
        Map<String, List<Finding>> attributes = attributes(root.resolve(ATTRIBUTES));
        List<CxrStudy> out = new ArrayList<>();
        int cd = split.column("dicom_id"), cs = split.column("study_id"), cp = split.column("subject_id"), cl = split.column("split");
        Map<String, String> reports = new HashMap<>();
        String ext = split.size() == 0 ? ".jpg" : extension(root, split.get(0, cp), split.get(0, cs), split.get(0, cd));
        for (int i = 0; i < split.size(); i++) {
            String dicom = split.get(i, cd), study = split.get(i, cs), subject = split.get(i, cp);
            String view = views.getOrDefault(dicom, "");
            if (frontalOnly && !CxrStudy.isFrontalView(view)) continue;
            Path dir = root.resolve("files").resolve("p" + subject.substring(0, Math.min(2, subject.length()))).resolve("p" + subject);
            String report = reports.computeIfAbsent(study, s -> readReport(reportsRoot, subject, s));
            out.add(new CxrStudy(subject, study, dicom, dir.resolve("s" + study).resolve(dicom + ext), report,
                    labels.getOrDefault(study, CheXpertLabel.blankLabels()).clone(), split.get(i, cl), view,
                    attributes.getOrDefault(study, List.of())));
        }
        return out;
    }

    /** ".jpg", unless the first image exists only as .dcm or .png. */
    static String extension(Path root, String subject, String study, String dicom) {
        Path dir = root.resolve("files").resolve("p" + subject.substring(0, Math.min(2, subject.length()))).resolve("p" + subject)
                .resolve("s" + study);
        for (String ext : new String[] {".jpg", ".dcm", ".png"}) if (Files.isRegularFile(dir.resolve(dicom + ext))) return ext;
        return ".jpg";
    }

    private static String readReport(Path reportsRoot, String subject, String study) {
        Path p = reportsRoot.resolve("files").resolve("p" + subject.substring(0, Math.min(2, subject.length())))
                .resolve("p" + subject).resolve("s" + study + ".txt");
        try {
            return Files.isRegularFile(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read report " + p + ": " + e.getMessage(), e);
        }
    }

    /** Present findings per study from synthetic-attributes.csv.gz; empty when the file is absent. */
    static Map<String, List<Finding>> attributes(Path file) throws IOException {
        Map<String, List<Finding>> out = new HashMap<>();
        if (!Files.isRegularFile(file)) return out;
        Csv a = Csv.read(file);
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i, "present").equals("1")) continue;
            Finding f = new Finding(CheXpertLabel.ofColumn(a.get(i, "finding")),
                    Finding.parse(Finding.Laterality.class, a.get(i, "laterality")),
                    Finding.parse(Finding.Severity.class, a.get(i, "severity")),
                    Finding.parse(Finding.Zone.class, a.get(i, "zone")),
                    a.get(i, "kind").isEmpty() ? null : a.get(i, "kind"));
            out.computeIfAbsent(a.get(i, "study_id"), k -> new ArrayList<>()).add(f);
        }
        return out;
    }
}
