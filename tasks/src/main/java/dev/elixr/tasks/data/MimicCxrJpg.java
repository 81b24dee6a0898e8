package dev.elixr.tasks.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads MIMIC-CXR-JPG (Johnson et al., PhysioNet 2019) and the synthetic data sets written in its layout:
 * {@code mimic-cxr-2.0.0-split.csv.gz} lists the images (dicom_id, study_id, subject_id, split);
 * {@code mimic-cxr-2.0.0-chexpert.csv.gz} gives the 14 labels per study; {@code mimic-cxr-2.0.0-metadata.csv.gz}
 * the view position; reports are {@code files/p1X/p<subject>/s<study>.txt} (or under a separate reports root, as
 * PhysioNet ships mimic-cxr-reports); {@code synthetic-attributes.csv.gz}, when present, adds structured truth.
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
     * The studies of {@link #contents}; a study whose report is unusable comes with an empty report (use
     * {@link #contents} to learn which and why).
     *
     * @param root        the folder holding the CSVs and {@code files/}
     * @param reportsRoot the folder holding {@code files/p1X/p<subject>/s<study>.txt} (often the same as root)
     * @param frontalOnly keep PA and AP views only (needs the metadata file; without it every image is kept)
     */
    public static List<CxrStudy> read(Path root, Path reportsRoot, boolean frontalOnly) throws IOException {
        return contents(root, reportsRoot, frontalOnly).studies();
    }

    /**
     * The images of a data set with their studies, and the reports that cannot be used.
     *
     * @param studies         one per image, in the split file's order; an unusable report is read as ""
     * @param unusableReports by study_id: the reports that are missing, empty, not UTF-8 text, too large or unreadable
     */
    public record Contents(List<CxrStudy> studies, Map<String, ReportFile.Report> unusableReports) {
        /** The images of {@code split} whose study has a usable report; the others are counted in {@code skipped}. */
        public List<CxrStudy> usable(String split, SkippedItems skipped) {
            List<CxrStudy> out = new ArrayList<>();
            Set<String> counted = new HashSet<>();
            for (CxrStudy s : studies) {
                if (!s.split().equals(split)) continue;
                ReportFile.Report bad = unusableReports.get(s.studyId());
                if (bad == null) { out.add(s); continue; }
                if (counted.add(s.studyId())) skipped.add(split, SkippedItems.REPORTS, bad.problem().key(), bad.file());
                skipped.add(split, SkippedItems.IMAGES, SkippedItems.NO_USABLE_REPORT, s.image());
            }
            return out;
        }
    }

    /** The whole data set: {@link #read(Path, Path, boolean)} with the unusable reports named. */
    public static Contents contents(Path root, Path reportsRoot, boolean frontalOnly) throws IOException {
        Path splitFile = root.resolve(SPLIT);
        if (!Files.isRegularFile(splitFile)) {
            throw new NoSuchFileException(splitFile.toString(), null,
                    "not a MIMIC-CXR-JPG folder: " + SPLIT + " is missing (generate one with `elixr data synth --out DIR`)");
        }
        Csv split = Csv.read(splitFile);
        Csv chexpert = Files.isRegularFile(root.resolve(CHEXPERT)) ? Csv.read(root.resolve(CHEXPERT)) : null;
        Csv metadata = Files.isRegularFile(root.resolve(METADATA)) ? Csv.read(root.resolve(METADATA)) : null;
        Csv attributes = Files.isRegularFile(root.resolve(ATTRIBUTES)) ? Csv.read(root.resolve(ATTRIBUTES)) : null;
        return assemble(root, split, chexpert, metadata, attributes, frontalOnly, file -> ReportFile.read(reportsRoot.resolve(file)));
    }

    /** The contents of {@code root} from its tables as read (null: absent); {@code reports} reads a path relative to the reports root. */
    static Contents assemble(Path root, Csv split, Csv chexpert, Csv metadata, Csv attributes, boolean frontalOnly,
                             Function<Path, ReportFile.Report> reports) {
        Map<String, float[]> labels = new HashMap<>();
        if (chexpert != null) {
            int study = chexpert.column("study_id");
            for (int i = 0; i < chexpert.size(); i++) {
                float[] v = CheXpertLabel.blankLabels();
                for (CheXpertLabel l : CheXpertLabel.values()) if (chexpert.has(l.column())) v[l.ordinal()] = chexpert.label(i, l.column());
                labels.put(chexpert.get(i, study), v);
            }
        }
        Map<String, String> views = new HashMap<>();
        if (metadata != null) {
            int d = metadata.column("dicom_id"), v = metadata.column("ViewPosition");
            for (int i = 0; i < metadata.size(); i++) views.put(metadata.get(i, d), metadata.get(i, v));
        }
        Map<String, List<Finding>> found = attributes == null ? Map.of() : attributes(attributes);
        List<CxrStudy> out = new ArrayList<>();
        int cd = split.column("dicom_id"), cs = split.column("study_id"), cp = split.column("subject_id"), cl = split.column("split");
        Map<String, ReportFile.Report> read = new HashMap<>(), unusable = new LinkedHashMap<>();
        for (int i = 0; i < split.size(); i++) {
            String dicom = plainId(split, i, cd), study = plainId(split, i, cs), subject = plainId(split, i, cp);
            String view = views.getOrDefault(dicom, "");
            if (frontalOnly && !CxrStudy.isFrontalView(view)) continue;
            Path subjectDir = Path.of("files", "p" + subject.substring(0, Math.min(2, subject.length())), "p" + subject);
            ReportFile.Report report = read.computeIfAbsent(study, s -> reports.apply(subjectDir.resolve("s" + s + ".txt")));
            if (!report.usable()) unusable.putIfAbsent(study, report);
            out.add(new CxrStudy(subject, study, dicom, root.resolve(subjectDir).resolve("s" + study).resolve(dicom + ".jpg"),
                    report.usable() ? report.text() : "", labels.getOrDefault(study, CheXpertLabel.blankLabels()).clone(),
                    split.get(i, cl), view, found.getOrDefault(study, List.of())));
        }
        return new Contents(out, unusable);
    }

    /**
     * An identifier that becomes part of a path: non-empty, without path separators, NUL or other control characters,
     * and not "." or "..", so that a hostile table cannot point outside {@code files/}.
     */
    static String plainId(Csv table, int row, int column) {
        String id = table.get(row, column).trim();
        boolean plain = !id.isEmpty() && !id.equals(".") && !id.equals("..") && id.chars().noneMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f);
        if (!plain)
            throw new IllegalArgumentException(table.file() + ": row " + (row + 2) + " column '" + table.header().get(column) + "': '"
                    + printable(id) + "' is not an identifier (empty, a path, or control characters)");
        return id;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(60).forEach(c -> { if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", c)); else b.appendCodePoint(c); });
        return b.toString();
    }

    /** Present findings per study from the table; a bad cell is refused naming the file, row and value. */
    static Map<String, List<Finding>> attributes(Csv a) {
        Map<String, List<Finding>> out = new HashMap<>();
        int present = a.column("present"), finding = a.column("finding"), laterality = a.column("laterality"),
                severity = a.column("severity"), zone = a.column("zone"), kind = a.column("kind"), study = a.column("study_id");
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i, present).equals("1")) continue;
            Finding f;
            try {
                f = new Finding(CheXpertLabel.ofColumn(a.get(i, finding)),
                        Finding.parse(Finding.Laterality.class, a.get(i, laterality)),
                        Finding.parse(Finding.Severity.class, a.get(i, severity)),
                        Finding.parse(Finding.Zone.class, a.get(i, zone)),
                        a.get(i, kind).isEmpty() ? null : a.get(i, kind));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(a.file() + ": row " + (i + 2) + ": " + e.getMessage(), e);
            }
            out.computeIfAbsent(a.get(i, study), k -> new ArrayList<>()).add(f);
        }
        return out;
    }
}
