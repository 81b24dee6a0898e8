package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.DicomFolder;
import dev.elixr.tasks.data.IuXray;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.ReportSectioner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Rewrites a synthetic data set from the MIMIC-CXR-JPG layout the generator writes into the layout of another data set,
 * so that each real reader is exercised on the same studies ({@code elixr data synth --layout chexpert|iu-xray}):
 * <ul>
 *   <li>CheXpert: {@code CheXpert-v1.0/train.csv} (the train and validate patients) and {@code valid.csv} (the test
 *   patients) with {@code Path,Sex,Age,Frontal/Lateral,AP/PA} and the 14 labels (uncertain −1 kept), images at
 *   {@code CheXpert-v1.0/{train,valid}/patientNNNNN/studyK/view1_frontal.EXT}; no reports, as CheXpert has none.</li>
 *   <li>IU X-ray: {@code indiana_reports.csv} (uid per study, Problems from the positive labels by
 *   {@link IuXray#problemTerm}, "normal" when none; findings and impression from the report's sections),
 *   {@code indiana_projections.csv} and {@code images/images_normalized/<uid>_IM-0001-1001.EXT}. Its reader splits
 *   by uid, not by the generator's patients.</li>
 *   <li>DICOM folder ({@link dev.elixr.tasks.data.DicomFolder}): {@code labels.csv} with
 *   {@code Path,Patient,View}, the 14 labels and {@code Report}; images (DICOM unless another format was chosen) at
 *   {@code images/<patient>/<dicom_id>.EXT}. Its reader splits by a hash of the patient id, not by the generator's split.</li>
 * </ul>
 * The MIMIC files ({@code files/}, the gzipped CSVs) are removed; vqa.jsonl, report-qa.jsonl and the options stay,
 * their items' {@code dicom_id} rewritten to the id the layout's reader gives the same image, so that {@code eval vqa}
 * and {@code eval report-qa} find their studies in every layout.
 */
final class SyntheticLayout {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SyntheticLayout() {}

    static void rewrite(Path out, CxrDataset layout) throws IOException {
        if (layout == CxrDataset.MIMIC) return;
        List<CxrStudy> studies = MimicCxrJpg.read(out, out, false);
        Map<String, String> movedFrom = new HashMap<>();
        switch (layout) {
            case CHEXPERT -> chexpert(out, studies, movedFrom);
            case IU_XRAY -> iuXray(out, studies, movedFrom);
            case DICOM -> dicom(out, studies, movedFrom);
            case MIMIC -> throw new AssertionError();
        }
        try (Stream<Path> walk = Files.walk(out.resolve("files"))) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        for (String f : List.of(MimicCxrJpg.SPLIT, MimicCxrJpg.CHEXPERT, MimicCxrJpg.METADATA, MimicCxrJpg.ATTRIBUTES))
            Files.deleteIfExists(out.resolve(f));
        Map<String, String> newId = new HashMap<>();
        for (CxrStudy s : layout.read(out)) {
            String old = movedFrom.get(key(s.image()));
            if (old != null) newId.put(old, s.dicomId());
        }
        for (String f : List.of("vqa.jsonl", "report-qa.jsonl")) reKey(out.resolve(f), newId);
    }

    /** Rewrites each line's {@code dicom_id} to the layout's id of the same image; a line of a study the layout left out is dropped. */
    private static void reKey(Path file, Map<String, String> newId) throws IOException {
        if (!Files.exists(file)) return;
        StringBuilder kept = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            String id = newId.get(n.path("dicom_id").asText(""));
            if (id == null) continue;
            n.put("dicom_id", id);
            kept.append(JSON.writeValueAsString(n)).append('\n');
        }
        Files.writeString(file, kept, StandardCharsets.UTF_8);
    }

    private static String key(Path image) { return image.toAbsolutePath().normalize().toString(); }

    private static void chexpert(Path out, List<CxrStudy> studies, Map<String, String> movedFrom) throws IOException {
        Path root = out.resolve("CheXpert-v1.0");
        List<String> header = new ArrayList<>(List.of("Path", "Sex", "Age", "Frontal/Lateral", "AP/PA"));
        for (CheXpertLabel l : CheXpertLabel.values()) header.add(l.column());
        StringBuilder train = new StringBuilder(Csv.line(header)).append('\n'), valid = new StringBuilder(train);
        Map<String, Integer> patients = new LinkedHashMap<>();
        Map<String, Integer> studyIndex = new LinkedHashMap<>();
        for (CxrStudy s : studies) {
            int patient = patients.computeIfAbsent(s.subjectId(), k -> patients.size() + 1);
            int study = studyIndex.merge(s.subjectId(), 1, Integer::sum);
            boolean test = s.split().equals("test");
            String rel = String.format(Locale.ROOT, "CheXpert-v1.0/%s/patient%05d/study%d/view1_frontal%s", test ? "valid" : "train",
                    patient, study, extension(s.image()));
            move(s, out.resolve(rel), movedFrom);
            List<String> row = new ArrayList<>(List.of(rel, patient % 2 == 0 ? "Female" : "Male", Integer.toString(20 + patient * 37 % 70),
                    "Frontal", s.view()));
            for (CheXpertLabel l : CheXpertLabel.values()) row.add(label(s.label(l)));
            (test ? valid : train).append(Csv.line(row)).append('\n');
        }
        Files.createDirectories(root);
        Files.writeString(root.resolve("train.csv"), train, StandardCharsets.UTF_8);
        Files.writeString(root.resolve("valid.csv"), valid, StandardCharsets.UTF_8);
    }

    private static void iuXray(Path out, List<CxrStudy> studies, Map<String, String> movedFrom) throws IOException {
        Path images = out.resolve("images").resolve("images_normalized");
        StringBuilder reports = new StringBuilder("uid,MeSH,Problems,image,indication,comparison,findings,impression\n");
        StringBuilder projections = new StringBuilder("uid,filename,projection\n");
        int uid = 0;
        for (CxrStudy s : studies) {
            uid++;
            String file = uid + "_IM-0001-1001" + (extension(s.image()).equals(".dcm") ? ".dcm" : ".dcm" + extension(s.image()));
            move(s, images.resolve(file), movedFrom);
            List<String> problems = new ArrayList<>();
            for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
                String term = IuXray.problemTerm(l);
                if (term != null && s.label(l) == 1f) problems.add(term);
            }
            String p = problems.isEmpty() ? "normal" : String.join(";", problems);
            ReportSectioner.Sections sec = ReportSectioner.sections(s.report());
            reports.append(Csv.line(List.of(Integer.toString(uid), p, p, "Xray Chest " + s.view(), "", "",
                    sec.findings() == null ? "" : sec.findings(), sec.impression() == null ? "" : sec.impression()))).append('\n');
            projections.append(Csv.line(List.of(Integer.toString(uid), file, "Frontal"))).append('\n');
        }
        Files.writeString(out.resolve("indiana_reports.csv"), reports, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("indiana_projections.csv"), projections, StandardCharsets.UTF_8);
    }

    private static void dicom(Path out, List<CxrStudy> studies, Map<String, String> movedFrom) throws IOException {
        List<String> header = new ArrayList<>(List.of("Path", "Patient", "View"));
        for (CheXpertLabel l : CheXpertLabel.values()) header.add(l.column());
        header.add("Report");
        StringBuilder csv = new StringBuilder(Csv.line(header)).append('\n');
        for (CxrStudy s : studies) {
            String rel = "images/" + s.subjectId() + "/" + s.dicomId() + extension(s.image());
            move(s, out.resolve(rel), movedFrom);
            List<String> row = new ArrayList<>(List.of(rel, s.subjectId(), s.view()));
            for (CheXpertLabel l : CheXpertLabel.values()) row.add(label(s.label(l)));
            row.add(s.report());
            csv.append(Csv.line(row)).append('\n');
        }
        Files.writeString(out.resolve(DicomFolder.LABELS), csv, StandardCharsets.UTF_8);
    }

    private static String extension(Path image) {
        String n = image.getFileName().toString();
        return n.substring(n.lastIndexOf('.'));
    }

    private static void move(CxrStudy s, Path to, Map<String, String> movedFrom) throws IOException {
        Files.createDirectories(to.getParent());
        Files.move(s.image(), to);
        movedFrom.put(key(to), s.dicomId());
    }

    private static String label(float v) { return Float.isNaN(v) ? "" : v == 1f ? "1.0" : v == 0f ? "0.0" : "-1.0"; }
}
