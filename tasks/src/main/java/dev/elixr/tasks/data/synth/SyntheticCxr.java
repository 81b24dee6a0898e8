package dev.elixr.tasks.data.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.dicom.DicomWriter;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.progress.Progress;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/**
 * Synthetic chest X-ray studies with reports, written in the MIMIC-CXR-JPG layout so that one reader serves
 * synthetic and real data: {@code files/p1X/p<subject>/s<study>/<dicom_id>.jpg} and {@code .../s<study>.txt},
 * the gzipped split, CheXpert-label and metadata CSVs, {@code synthetic-attributes.csv.gz} (structured truth),
 * {@code vqa.jsonl} and {@code report-qa.jsonl}. Patients are generated in parallel from per-patient seeds, so the
 * bytes depend on the seed and options only, never on the thread count.
 */
public final class SyntheticCxr {
    private SyntheticCxr() {}

    /** How images are stored: 8-bit JPEG (MIMIC-CXR-JPG's), 16-bit PNG (IU X-ray's) or DICOM ({@link DicomWriter}). */
    public enum ImageFormat {
        JPEG(".jpg"), PNG(".png"), DICOM(".dcm");

        private final String extension;

        ImageFormat(String extension) { this.extension = extension; }

        public String extension() { return extension; }

        public static ImageFormat parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "jpeg", "jpg" -> JPEG;
                case "png" -> PNG;
                case "dicom", "dcm" -> DICOM;
                default -> throw new IllegalArgumentException("--format " + s + ": expected jpeg, png or dicom");
            };
        }
    }

    /**
     * @param studies         number of studies (one frontal image each)
     * @param seed            the seed everything follows from
     * @param size            image side in pixels
     * @param difficulty      subtlety of findings and noise
     * @param threads         worker threads (does not change the output)
     * @param progress        draw a progress bar on stderr
     * @param validateFraction fraction of patients in the validate split
     * @param testFraction    fraction of patients in the test split
     * @param site            the hospital whose detectors and patients these are ({@link Site#A} by default)
     * @param layout          the folder layout written ({@link SyntheticLayout}: MIMIC-CXR-JPG's by default)
     * @param format          how images are stored (null: the layout's own, JPEG for MIMIC and CheXpert, PNG for IU X-ray, DICOM for a DICOM folder)
     */
    public record Options(int studies, long seed, int size, Difficulty difficulty, int threads, boolean progress,
                          double validateFraction, double testFraction, Site site, CxrDataset layout, ImageFormat format) {
        public Options {
            if (studies <= 0) throw new IllegalArgumentException("studies must be > 0, got " + studies);
            if (size < 32 || size > 4096) throw new IllegalArgumentException("size must be in 32..4096, got " + size);
            if (threads <= 0) throw new IllegalArgumentException("threads must be > 0, got " + threads);
            if (validateFraction < 0 || testFraction < 0 || validateFraction + testFraction >= 1) {
                throw new IllegalArgumentException("validate + test fractions must lie in [0, 1): " + validateFraction + " + " + testFraction);
            }
            if (site == null) site = Site.A;
            if (layout == null) layout = CxrDataset.MIMIC;
            if (format == null) format = layout == CxrDataset.IU_XRAY ? ImageFormat.PNG : layout == CxrDataset.DICOM ? ImageFormat.DICOM : ImageFormat.JPEG;
        }

        /** 224-pixel normal-difficulty studies on all cores, with a progress bar, 70/10/20 patient split. */
        public static Options of(int studies, long seed) {
            return new Options(studies, seed, 224, Difficulty.NORMAL, Runtime.getRuntime().availableProcessors(), true, 0.1, 0.2,
                    Site.A, CxrDataset.MIMIC, null);
        }

        public Options withSize(int s) { return new Options(studies, seed, s, difficulty, threads, progress, validateFraction, testFraction, site, layout, format); }
        public Options withDifficulty(Difficulty d) { return new Options(studies, seed, size, d, threads, progress, validateFraction, testFraction, site, layout, format); }
        public Options withThreads(int t) { return new Options(studies, seed, size, difficulty, t, progress, validateFraction, testFraction, site, layout, format); }
        public Options withProgress(boolean p) { return new Options(studies, seed, size, difficulty, threads, p, validateFraction, testFraction, site, layout, format); }
        public Options withSplit(double validate, double test) { return new Options(studies, seed, size, difficulty, threads, progress, validate, test, site, layout, format); }
        public Options withSite(Site s) { return new Options(studies, seed, size, difficulty, threads, progress, validateFraction, testFraction, s, layout, format); }
        /** The layout with its own image format unless one was chosen. */
        public Options withLayout(CxrDataset l) { return new Options(studies, seed, size, difficulty, threads, progress, validateFraction, testFraction, site, l, null); }
        public Options withFormat(ImageFormat f) { return new Options(studies, seed, size, difficulty, threads, progress, validateFraction, testFraction, site, layout, f); }
    }

    /** What was written: counts, time, and positives per label. */
    public record Summary(int patients, int studies, int vqaItems, int reportQaItems, long millis, Map<CheXpertLabel, Integer> positives) {}

    static final String[] METADATA_HEADER = {"dicom_id", "subject_id", "study_id", "PerformedProcedureStepDescription", "ViewPosition",
            "Rows", "Columns", "StudyDate", "StudyTime", "ProcedureCodeSequence_CodeMeaning", "ViewCodeSequence_CodeMeaning",
            "PatientOrientationCodeSequence_CodeMeaning"};
    static final String[] ATTRIBUTE_HEADER = {"subject_id", "study_id", "dicom_id", "finding", "present", "label", "laterality", "severity", "zone", "kind"};

    /** A patient to generate: index, seed, ids, split and number of studies. */
    private record PatientTask(int index, long seed, long subjectId, long firstStudyIndex, int studies, String split) {}

    /** The rows and items one patient contributes. */
    private record PatientRows(List<String> split, List<String> chexpert, List<String> metadata, List<String> attributes,
                               List<String> vqa, List<String> reportQa, List<float[]> labels) {}

    /** Generates the data set under {@code out} (created if needed). */
    public static Summary generate(Path out, Options o) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        List<PatientTask> tasks = plan(o);
        Progress bar = new Progress("synth", o.studies(), "studies", o.progress());
        PatientRows[] rows = new PatientRows[tasks.size()];
        ObjectMapper json = new ObjectMapper();
        try (ExecutorService pool = Executors.newFixedThreadPool(o.threads(), r -> {
            Thread t = new Thread(r, "synth");
            t.setDaemon(true);
            return t;
        })) {
            List<Future<PatientRows>> futures = new ArrayList<>();
            for (PatientTask t : tasks) futures.add(pool.submit(() -> patient(out, o, t, json, bar)));
            for (int i = 0; i < futures.size(); i++) rows[i] = futures.get(i).get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) throw u.getCause();
            if (c instanceof IOException io) throw io;
            throw new IllegalStateException("synthetic generation failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        bar.finish();
        List<String> chexHeader = new ArrayList<>(List.of("subject_id", "study_id"));
        for (CheXpertLabel l : CheXpertLabel.values()) chexHeader.add(l.column());
        writeGz(out.resolve("mimic-cxr-2.0.0-split.csv.gz"), "dicom_id,study_id,subject_id,split", rows, PatientRows::split);
        writeGz(out.resolve("mimic-cxr-2.0.0-chexpert.csv.gz"), Csv.line(chexHeader), rows, PatientRows::chexpert);
        writeGz(out.resolve("mimic-cxr-2.0.0-metadata.csv.gz"), String.join(",", METADATA_HEADER), rows, PatientRows::metadata);
        writeGz(out.resolve("synthetic-attributes.csv.gz"), String.join(",", ATTRIBUTE_HEADER), rows, PatientRows::attributes);
        int vqa = writeLines(out.resolve("vqa.jsonl"), rows, PatientRows::vqa);
        int qa = writeLines(out.resolve("report-qa.jsonl"), rows, PatientRows::reportQa);
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("generator", "elixr synthetic CXR");
        opts.put("studies", o.studies());
        opts.put("seed", o.seed());
        opts.put("size", o.size());
        opts.put("difficulty", o.difficulty().name().toLowerCase(Locale.ROOT));
        opts.put("validate_fraction", o.validateFraction());
        opts.put("test_fraction", o.testFraction());
        opts.put("site", o.site().name());
        opts.put("layout", o.layout().key());
        opts.put("format", o.format().name().toLowerCase(Locale.ROOT));
        Files.writeString(out.resolve("synthetic-options.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(opts) + "\n");
        if (o.layout() != CxrDataset.MIMIC) SyntheticLayout.rewrite(out, o.layout());
        Map<CheXpertLabel, Integer> positives = new EnumMap<>(CheXpertLabel.class);
        for (PatientRows p : rows) for (float[] l : p.labels()) for (CheXpertLabel c : CheXpertLabel.values()) if (l[c.ordinal()] == 1f) positives.merge(c, 1, Integer::sum);
        return new Summary(tasks.size(), o.studies(), vqa, qa, (System.nanoTime() - t0) / 1_000_000, positives);
    }

    /** Patients, their study counts and patient-level splits, drawn sequentially from the seed. */
    private static List<PatientTask> plan(Options o) {
        SplittableRandom r = new SplittableRandom(Seeds.item(o.seed(), -1));
        List<PatientTask> tasks = new ArrayList<>();
        long off = Math.floorMod(o.seed(), 9_000_000L);
        int done = 0;
        for (int i = 0; done < o.studies(); i++) {
            int k = 1;
            while (k < 4 && r.nextFloat() < 0.45f) k++;
            k = Math.min(k, o.studies() - done);
            double u = r.nextDouble();
            String split = u < o.testFraction() ? "test" : u < o.testFraction() + o.validateFraction() ? "validate" : "train";
            tasks.add(new PatientTask(i, Seeds.item(o.seed(), i), 10_000_000L + (i * 7919L + off) % 9_000_000L, done, k, split));
            done += k;
        }
        return tasks;
    }

    private static String dicomId(SplittableRandom r) {
        return String.format(Locale.ROOT, "%08x-%08x-%08x-%08x-%08x", r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt());
    }

    private static String label(float v) { return Float.isNaN(v) ? "" : v == 1f ? "1.0" : v == 0f ? "0.0" : "-1.0"; }

    private static String word(Enum<?> e) { return e == null ? "" : e.name().toLowerCase(Locale.ROOT); }

    private static PatientRows patient(Path out, Options o, PatientTask t, ObjectMapper json, Progress bar) throws IOException {
        SplittableRandom r = new SplittableRandom(t.seed());
        Difficulty d = o.difficulty();
        Anatomy base = Anatomy.patient(r, d);
        FindingSampler.Patient p = FindingSampler.patient(r, o.site());
        PatientRows rows = new PatientRows(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        String subject = Long.toString(t.subjectId());
        Path dir = out.resolve("files").resolve("p" + subject.substring(0, 2)).resolve("p" + subject);
        ReportPlan prior = null;
        int year = 2110 + r.nextInt(70), day = r.nextInt(300);
        for (int s = 0; s < t.studies(); s++) {
            String study = Long.toString(50_000_000L + ((t.firstStudyIndex() + s) * 7919L + Math.floorMod(o.seed() * 31, 9_000_000L)) % 9_000_000L);
            String dicom = dicomId(r);
            FindingSampler.Study st = FindingSampler.study(p, r, o.site());
            Anatomy a = base.study(r, d, st.ap());
            ReportPlan plan = ReportPlan.of(st.findings(), prior, d, r);
            GreyImage img = Radiograph.render(a, st.findings(), o.size(), d, new SplittableRandom(r.nextLong()));
            Path studyDir = dir.resolve("s" + study);
            img = o.site().acquire(img, Seeds.item(o.seed() ^ 0x5173L, t.firstStudyIndex() + s));
            writeImage(img, o, subject, study, st.ap() ? "AP" : "PA", studyDir.resolve(dicom + o.format().extension()));
            String report = ReportWriter.report(plan, st, a, prior != null, r, o.site().reportStyle(),
                    new SplittableRandom(Seeds.item(o.seed() ^ 0x2E70L, t.firstStudyIndex() + s)));
            Files.writeString(dir.resolve("s" + study + ".txt"), report, StandardCharsets.UTF_8);
            float[] labels = plan.labels();
            rows.labels().add(labels);
            rows.split().add(String.join(",", dicom, study, subject, t.split()));
            List<String> chex = new ArrayList<>(List.of(subject, study));
            for (float v : labels) chex.add(label(v));
            rows.chexpert().add(String.join(",", chex));
            String view = st.ap() ? "AP" : "PA";
            day += 1 + r.nextInt(200);
            rows.metadata().add(Csv.line(List.of(dicom, subject, study, st.ap() ? "CHEST (PORTABLE AP)" : "CHEST (PA AND LAT)", view,
                    Integer.toString(o.size()), Integer.toString(o.size()),
                    String.format(Locale.ROOT, "%d%02d%02d", year + day / 365, 1 + (day % 365) / 31, 1 + (day % 365) % 28),
                    String.format(Locale.ROOT, "%02d%02d%02d.000", r.nextInt(24), r.nextInt(60), r.nextInt(60)),
                    "Chest 2 Views", st.ap() ? "antero-posterior" : "postero-anterior", "Erect")));
            for (Finding f : st.findings()) {
                rows.attributes().add(Csv.line(List.of(subject, study, dicom, f.label().column(), "1", label(labels[f.label().ordinal()]),
                        word(f.laterality()), word(f.severity()), word(f.zone()), f.kind() == null ? "" : f.kind())));
            }
            for (ReportPlan.Mention m : plan.mentions()) {
                if (m.polarity() == ReportPlan.Polarity.UNCERTAIN && st.findings().stream().noneMatch(f -> f.label() == m.label())) {
                    Finding f = m.first();
                    rows.attributes().add(Csv.line(List.of(subject, study, dicom, f.label().column(), "0", "-1.0",
                            word(f.laterality()), word(f.severity()), word(f.zone()), f.kind() == null ? "" : f.kind())));
                }
            }
            for (Map<String, Object> q : VqaGenerator.generate(dicom, t.split(), st.findings(), plan, r)) rows.vqa().add(json.writeValueAsString(q));
            rows.reportQa().add(json.writeValueAsString(ReportQaGenerator.generate(dicom, t.split(), st.findings(), plan, prior != null,
                    new ReportQaGenerator.Source(p, o.site()), new SplittableRandom(Seeds.item(o.seed() ^ 0x8E90L, t.firstStudyIndex() + s)))));
            prior = plan;
            bar.advance(1, "");
        }
        return rows;
    }

    private static void writeImage(GreyImage img, Options o, String subject, String study, String view, Path file) throws IOException {
        switch (o.format()) {
            case JPEG -> CxrImageCodec.writeJpeg(img, file);
            case PNG -> CxrImageCodec.writePng16(img, file);
            case DICOM -> DicomWriter.write(img.pixels(), img.width(), img.height(), new DicomWriter.Header(subject + "." + study, subject, view, 12, o.site().monochrome1(),
                    1, o.site().monochrome1() ? -1024 : 0), file);
        }
    }

    private static void writeGz(Path file, String header, PatientRows[] rows, Function<PatientRows, List<String>> f) throws IOException {
        try (OutputStream os = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            StringBuilder sb = new StringBuilder(header).append('\n');
            for (PatientRows p : rows) for (String line : f.apply(p)) sb.append(line).append('\n');
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static int writeLines(Path file, PatientRows[] rows, Function<PatientRows, List<String>> f) throws IOException {
        int n = 0;
        StringBuilder sb = new StringBuilder();
        for (PatientRows p : rows) for (String line : f.apply(p)) { sb.append(line).append('\n'); n++; }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return n;
    }
}
