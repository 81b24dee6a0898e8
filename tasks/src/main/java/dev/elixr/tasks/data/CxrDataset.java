package dev.elixr.tasks.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The data set layouts that training, every evaluation and {@code embed} read ({@code --dataset}), each to the same
 * {@link CxrStudy} list with the 14 CheXpert labels, splits by patient, and images of any kind {@link CxrImageFile}
 * decodes (DICOM, PNG, JPEG):
 * <ul>
 *   <li>{@link #MIMIC}: MIMIC-CXR-JPG ({@link MimicCxrJpg}); its splits file; labels from its CheXpert labeler file.
 *   The DICOM release (MIMIC-CXR, {@code files/p1X/p<subject>/s<study>/<dicom_id>.dcm}) reads the same way with the JPG
 *   release's CSVs beside it.</li>
 *   <li>{@link #CHEXPERT}: CheXpert ({@link CheXpert}); labels as given (uncertain −1 kept for the evaluation's
 *   {@code --uncertain} policy). {@code test.csv}, when present, is the test split and {@code valid.csv} the
 *   validation split; otherwise {@code valid.csv} is the test split and 10% of {@code train.csv}'s patients (by a hash
 *   of the patient folder) the validation split. No reports: it evaluates, it cannot train ELIXR-C.</li>
 *   <li>{@link #IU_XRAY}: IU X-ray / Open-i ({@link IuXray}); labels from the Problems column by the mapping in
 *   {@link IuXray} (a coded study lists all its problems, so a mapped finding it does not list is negative); no term
 *   maps to Enlarged Cardiomediastinum, which is therefore left out of its metrics. Splits 70/10/20 by a hash of uid.</li>
 *   <li>{@link #DICOM}: a hospital's folder of DICOM files with a labels CSV ({@link DicomFolder}: {@code labels.csv}
 *   with Path, Patient, the CheXpert findings, optionally Report); splits 70/10/20 by a hash of the patient id. It
 *   trains ELIXR-C when the CSV has reports.</li>
 * </ul>
 * {@code --dataset auto} (every command's default) is the one layout whose identifying file the folder holds
 * ({@link #candidates}): MIMIC's split CSV, IU X-ray's {@code indiana_reports.csv}, CheXpert's {@code train.csv} or
 * {@code valid.csv} (at the root or in {@code CheXpert-v1.0/}), a DICOM folder's {@code labels.csv}.
 */
public enum CxrDataset {
    MIMIC("mimic-cxr-jpg"), CHEXPERT("chexpert"), IU_XRAY("iu-xray"), DICOM("dicom");

    /** The value of {@code --dataset} that detects the layout. */
    public static final String AUTO = "auto";

    private final String key;

    CxrDataset(String key) { this.key = key; }

    /** The name on the command line: mimic-cxr-jpg, chexpert, iu-xray or dicom. */
    public String key() { return key; }

    /** A layout's name (mimic, mimic-cxr and mimic-cxr-jpg are MIMIC); {@code auto} is {@link #resolve}'s, not this. */
    public static CxrDataset parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        if (k.equals("mimic") || k.equals("mimic-cxr")) return MIMIC;
        for (CxrDataset d : values()) if (d.key.equals(k)) return d;
        throw new IllegalArgumentException("--dataset " + s + ": expected auto, mimic-cxr-jpg (or mimic), chexpert, iu-xray or dicom");
    }

    /**
     * The layout {@code --dataset} names, or for {@code auto} the one layout the folder {@code root} is in; refused,
     * naming the folder and the candidates, when it is in none or in several.
     */
    public static CxrDataset resolve(String name, Path root) {
        if (!name.trim().equalsIgnoreCase(AUTO)) return parse(name);
        List<CxrDataset> found = candidates(root);
        if (found.size() == 1) return found.get(0);
        if (found.isEmpty())
            throw new IllegalArgumentException("--dataset auto: " + root + " is in no known layout (none of " + identifyingFiles()
                    + "); pass --dataset mimic-cxr-jpg, chexpert, iu-xray or dicom");
        throw new IllegalArgumentException("--dataset auto: " + root + " looks like several data sets ("
                + String.join(", ", found.stream().map(CxrDataset::key).toList()) + "): pass --dataset with one of them");
    }

    /** Whether the data set can have reports to train ELIXR-C on (CheXpert never; a DICOM folder when its labels.csv has a Report column). */
    public boolean hasReports() { return this != CHEXPERT; }

    /** The findings (of the 13) the data set's labels can say anything about; the others are skipped in its metrics. */
    public Set<CheXpertLabel> labelledFindings() {
        Set<CheXpertLabel> s = EnumSet.copyOf(CheXpertLabel.FINDINGS);
        if (this == IU_XRAY) s.retainAll(IuXray.mappedFindings());
        return s;
    }

    /** The findings of the 13 the data set has no labels for (empty for MIMIC and CheXpert). */
    public List<CheXpertLabel> unlabelledFindings() {
        return CheXpertLabel.FINDINGS.stream().filter(l -> !labelledFindings().contains(l)).toList();
    }

    /** Every image of every split (frontal views only), or a message naming the missing file and the layout it looks like. */
    public List<CxrStudy> read(Path root) throws IOException { return contents(root).studies(); }

    /**
     * The same with the reports that cannot be used ({@link MimicCxrJpg.Contents}; CheXpert has no reports, IU X-ray's are
     * cells of its CSV; MIMIC-CXR-JPG's report files and a DICOM folder's blank Report cells can be unusable).
     */
    public MimicCxrJpg.Contents contents(Path root) throws IOException {
        try {
            return switch (this) {
                case MIMIC -> MimicCxrJpg.contents(root, root, true);
                case CHEXPERT -> new MimicCxrJpg.Contents(chexpert(root), Map.of());
                case IU_XRAY -> new MimicCxrJpg.Contents(IuXray.read(root, true), Map.of());
                case DICOM -> dicom(root);
            };
        } catch (NoSuchFileException e) {
            CxrDataset looks = detect(root);
            if (looks == null || looks == this) throw e;
            throw new NoSuchFileException(e.getFile(), null, root + " is not in the " + key + " layout (" + e.getReason()
                    + "); it looks like " + looks.key + ": pass --dataset " + looks.key);
        }
    }

    /** The layout a folder is in, from the files that identify each, or null when none or several match. */
    public static CxrDataset detect(Path root) {
        List<CxrDataset> found = candidates(root);
        return found.size() == 1 ? found.get(0) : null;
    }

    /** Every layout whose identifying file the folder holds, in declaration order. */
    public static List<CxrDataset> candidates(Path root) {
        List<CxrDataset> out = new ArrayList<>();
        for (CxrDataset d : values()) if (d.identifies(root)) out.add(d);
        return out;
    }

    private boolean identifies(Path root) {
        return switch (this) {
            case MIMIC -> Files.isRegularFile(root.resolve(MimicCxrJpg.SPLIT));
            case IU_XRAY -> Files.isRegularFile(root.resolve("indiana_reports.csv"));
            case CHEXPERT -> Files.isRegularFile(root.resolve("train.csv")) || Files.isRegularFile(root.resolve("CheXpert-v1.0").resolve("train.csv"))
                    || Files.isRegularFile(root.resolve("valid.csv")) || Files.isRegularFile(root.resolve("CheXpert-v1.0").resolve("valid.csv"));
            case DICOM -> DicomFolder.looksLikeOne(root);
        };
    }

    private static String identifyingFiles() {
        return MimicCxrJpg.SPLIT + ", indiana_reports.csv, [CheXpert-v1.0/]train.csv or valid.csv, " + DicomFolder.LABELS;
    }

    static List<CxrStudy> chexpert(Path root) throws IOException {
        Path dir = Files.isRegularFile(root.resolve("valid.csv")) || Files.isRegularFile(root.resolve("train.csv"))
                ? root : root.resolve("CheXpert-v1.0");
        boolean hasTest = Files.isRegularFile(dir.resolve("test.csv"));
        if (!Files.isRegularFile(dir.resolve("valid.csv")))
            throw new NoSuchFileException(dir.resolve("valid.csv").toString(), null, "not a CheXpert folder: valid.csv is missing");
        List<CxrStudy> out = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve("train.csv")))
            for (CxrStudy s : CheXpert.read(dir, "train.csv", UncertaintyPolicy.KEEP, true))
                out.add(withSplit(s, hasTest || !heldOut(s.subjectId()) ? "train" : "validate"));
        for (CxrStudy s : CheXpert.read(dir, "valid.csv", UncertaintyPolicy.KEEP, true)) out.add(withSplit(s, hasTest ? "validate" : "test"));
        if (hasTest) for (CxrStudy s : CheXpert.read(dir, "test.csv", UncertaintyPolicy.KEEP, true)) out.add(withSplit(s, "test"));
        return out;
    }

    /** A DICOM folder's images; a row without a report (or a CSV without the Report column) is an empty, unusable report. */
    private static MimicCxrJpg.Contents dicom(Path root) throws IOException {
        List<CxrStudy> studies = DicomFolder.read(root);
        Map<String, ReportFile.Report> unusable = new LinkedHashMap<>();
        for (CxrStudy s : studies)
            if (s.report().isBlank())
                unusable.putIfAbsent(s.studyId(), ReportFile.Report.unusable(root.resolve(DicomFolder.LABELS), ReportFile.Problem.EMPTY,
                        "no Report for " + s.dicomId()));
        return new MimicCxrJpg.Contents(studies, unusable);
    }

    /** 10% of CheXpert's training patients, by a hash of the patient folder's name. */
    static boolean heldOut(String patient) {
        long h = patient.hashCode() * 0x9E3779B97F4A7C15L;
        return ((h >>> 11) & ((1L << 53) - 1)) / (double) (1L << 53) < 0.1;
    }

    private static CxrStudy withSplit(CxrStudy s, String split) {
        return new CxrStudy(s.subjectId(), s.studyId(), s.dicomId(), s.image(), s.report(), s.labels(), split, s.view(), s.attributes());
    }
}
