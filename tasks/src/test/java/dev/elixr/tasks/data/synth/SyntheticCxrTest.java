package dev.elixr.tasks.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.ReportSectioner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticCxrTest {
    @TempDir static Path tmp;
    static Path big;
    static List<CxrStudy> studies;

    /** One shared data set of 400 small studies for the content checks. */
    @BeforeAll
    static void generate() throws IOException {
        big = tmp.resolve("big");
        SyntheticCxr.generate(big, SyntheticCxr.Options.of(400, 11).withSize(48).withProgress(false));
        studies = MimicCxrJpg.read(big);
    }

    private static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) out.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
        return out;
    }

    @Test
    void sameSeedGivesSameBytesWhateverTheThreadCount() throws IOException {
        SyntheticCxr.Options o = SyntheticCxr.Options.of(14, 3).withSize(64).withProgress(false);
        SyntheticCxr.generate(tmp.resolve("a"), o.withThreads(1));
        SyntheticCxr.generate(tmp.resolve("b"), o.withThreads(3));
        SyntheticCxr.generate(tmp.resolve("c"), SyntheticCxr.Options.of(14, 4).withSize(64).withProgress(false));
        Map<String, byte[]> a = tree(tmp.resolve("a")), b = tree(tmp.resolve("b")), c = tree(tmp.resolve("c"));
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.size() > 30, "files written: " + a.size());
        for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), "file differs between runs: " + k);
        assertNotEquals(a.keySet(), c.keySet(), "another seed must give other studies");
    }

    @Test
    void articlesAgreeWithTheSoundOfTheNextWord() {
        var wrongA = Pattern.compile("\\b[Aa] (acute|[aeiou]\\w*|8[.0-9]*|1[18](\\.\\d+)?) ");
        var wrongAn = Pattern.compile("\\b[Aa]n ([b-df-hj-np-tv-z]\\w*|(?!1[18]\\.)[0-79]\\d?\\.\\d) ");
        int an = 0;
        for (CxrStudy s : studies) {
            assertFalse(wrongA.matcher(s.report()).find(), s.report());
            assertFalse(wrongAn.matcher(s.report()).find(), s.report());
            if (s.report().contains("an acute") || s.report().contains("An acute")) an++;
        }
        assertTrue(an > 0, "some acute rib fracture is reported with its article");
    }

    @Test
    void writesTheMimicCxrJpgLayout() throws IOException {
        Csv split = Csv.read(big.resolve(MimicCxrJpg.SPLIT));
        assertEquals(List.of("dicom_id", "study_id", "subject_id", "split"), split.header());
        assertEquals(400, split.size());
        Csv chex = Csv.read(big.resolve(MimicCxrJpg.CHEXPERT));
        assertEquals("subject_id", chex.header().get(0));
        for (CheXpertLabel l : CheXpertLabel.values()) assertTrue(chex.has(l.column()), l.column());
        assertEquals(400, chex.size());
        Csv meta = Csv.read(big.resolve(MimicCxrJpg.METADATA));
        assertEquals("ViewPosition", meta.header().get(4));
        assertTrue(Files.isRegularFile(big.resolve(MimicCxrJpg.ATTRIBUTES)));
        Map<String, String> splitOfSubject = new HashMap<>();
        for (int i = 0; i < split.size(); i++) {
            String subject = split.get(i, "subject_id"), study = split.get(i, "study_id"), dicom = split.get(i, "dicom_id");
            assertTrue(subject.matches("1\\d{7}"), subject);
            Path dir = big.resolve("files/p" + subject.substring(0, 2) + "/p" + subject);
            assertTrue(Files.isRegularFile(dir.resolve("s" + study + "/" + dicom + ".jpg")), "image of " + dicom);
            assertTrue(Files.isRegularFile(dir.resolve("s" + study + ".txt")), "report of " + study);
            String old = splitOfSubject.put(subject, split.get(i, "split"));
            assertTrue(old == null || old.equals(split.get(i, "split")), "patient " + subject + " in two splits");
        }
        assertEquals(Set.of("train", "validate", "test"), new HashSet<>(splitOfSubject.values()));
        assertTrue(splitOfSubject.size() < 400, "several studies per patient");
        GreyImage g = CxrImageCodec.read(studies.getFirst().image());
        assertEquals(48, g.width());
        assertEquals(48, g.height());
        assertEquals(400, studies.size());
    }

    @Test
    void labelsAgreeWithTheReportText() {
        int uncertain = 0, negated = 0, positive = 0;
        for (CxrStudy s : studies) {
            ReportSectioner.Sections sec = ReportSectioner.sections(s.report());
            assertFalse(sec.findings().isEmpty(), s.studyId());
            assertFalse(sec.impression().isEmpty(), s.studyId());
            float[] read = MiniLabeler.label(sec.findings() + "\n" + sec.impression());
            for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
                float want = s.label(l), got = read[l.ordinal()];
                assertEquals(Float.isNaN(want) ? "blank" : Float.toString(want), Float.isNaN(got) ? "blank" : Float.toString(got),
                        l.column() + " of study " + s.studyId() + " in:\n" + s.report());
                if (want == -1f) uncertain++;
                if (want == 0f) negated++;
                if (want == 1f) positive++;
            }
            boolean abnormal = CheXpertLabel.FINDINGS.stream().anyMatch(l -> l != CheXpertLabel.SUPPORT_DEVICES && (s.label(l) == 1f || s.label(l) == -1f));
            assertEquals(abnormal ? Float.NaN : 1f, s.label(CheXpertLabel.NO_FINDING), "No Finding of " + s.studyId());
            if (!abnormal) assertTrue(sec.impression().contains("No acute"), sec.impression());
        }
        assertTrue(uncertain > 20 && negated > 400 && positive > 300, uncertain + " uncertain, " + negated + " negated, " + positive + " positive");
    }

    /** "fracture of the left 6th rib" or "left 6th rib fracture", after its age word. */
    private static final String FRACTURE_NP = "(fracture|(left|right) \\d+(rd|th) rib fracture)";

    @Test
    void findingsAndImpressionAgreeOnMeasurementsAndDescriptors() {
        Pattern cm = Pattern.compile("(\\d+\\.\\d) cm");
        int checked = 0;
        for (CxrStudy s : studies) {
            ReportSectioner.Sections sec = ReportSectioner.sections(s.report());
            Matcher a = cm.matcher(sec.findings()), b = cm.matcher(sec.impression());
            if (a.find() && b.find()) { assertEquals(a.group(1), b.group(1), s.report()); checked++; }
            boolean healing = sec.findings().matches("(?s).*healing " + FRACTURE_NP + ".*"), acute = sec.findings().contains("fracture") && !healing;
            if (healing) assertFalse(sec.impression().matches("(?s).*(acute|nondisplaced) " + FRACTURE_NP + ".*"), s.report());
            if (acute && sec.impression().contains("fracture")) assertFalse(sec.impression().contains("healing"), s.report());
        }
        assertTrue(checked > 5, "lesion measurements checked: " + checked);
    }

    @Test
    void lateralityAndSizeAreInTheWords() {
        int checked = 0, sized = 0, sizeStated = 0;
        for (CxrStudy s : studies) {
            String text = ReportSectioner.sections(s.report()).text().toLowerCase(Locale.ROOT);
            for (Finding f : s.attributes()) {
                if (s.label(f.label()) != 1f || f.label() == CheXpertLabel.SUPPORT_DEVICES || f.label() == CheXpertLabel.EDEMA) continue;
                // a pneumonia is sometimes reported without its location, as in real reports
                if (f.laterality() != null && f.label() != CheXpertLabel.PNEUMONIA)
                    assertTrue(text.contains(f.laterality().word()) || text.contains("bibasilar") || text.contains("multifocal"), f + " not in: " + text);
                if ((f.label() == CheXpertLabel.PLEURAL_EFFUSION || f.label() == CheXpertLabel.PNEUMOTHORAX) && f.severity() != null) {
                    sized++;
                    if (text.contains(f.severity().word())) sizeStated++;
                }
                checked++;
            }
        }
        assertTrue(checked > 200, "checked " + checked);
        // each mention leaves the size out with probability 1/4, and most findings are mentioned twice (findings, impression)
        assertTrue(sizeStated > 0.8 * sized && sizeStated < sized, "size stated for " + sizeStated + " of " + sized + " effusions and pneumothoraces");
    }

    @Test
    void prevalenceIsRealistic() {
        long normal = studies.stream().filter(s -> s.attributes().isEmpty()).count();
        assertTrue(normal > 0.12 * studies.size() && normal < 0.32 * studies.size(), "normal studies: " + normal);
        for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
            long n = studies.stream().filter(s -> s.attributes().stream().anyMatch(f -> f.label() == l)).count();
            assertTrue(n >= 6, l + " present in only " + n + " of 400 studies");
        }
        long edemaWithCardiomegaly = studies.stream().filter(s -> has(s, CheXpertLabel.EDEMA) && has(s, CheXpertLabel.CARDIOMEGALY)).count();
        long edema = studies.stream().filter(s -> has(s, CheXpertLabel.EDEMA)).count();
        assertTrue(edemaWithCardiomegaly > 0.5 * edema, "edema comes with cardiomegaly: " + edemaWithCardiomegaly + "/" + edema);
    }

    private static boolean has(CxrStudy s, CheXpertLabel l) { return s.attributes().stream().anyMatch(f -> f.label() == l); }

    @Test
    void vqaAnswersFollowTheTruth() throws IOException {
        Map<String, CxrStudy> byDicom = new HashMap<>();
        for (CxrStudy s : studies) byDicom.put(s.dicomId(), s);
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(big.resolve("vqa.jsonl"));
        assertTrue(lines.size() > 3 * 400);
        Set<String> categories = new HashSet<>();
        for (String line : lines) {
            JsonNode q = json.readTree(line);
            CxrStudy s = byDicom.get(q.get("dicom_id").asText());
            assertNotNull(s, line);
            assertEquals(s.split(), q.get("split").asText());
            assertTrue(Set.of("closed", "open").contains(q.get("type").asText()));
            String cat = q.get("category").asText(), ans = q.get("answer").asText(), question = q.get("question").asText();
            categories.add(cat);
            if (cat.equals("laterality")) {
                Finding f = s.attributes().stream().filter(x -> question.contains(x.label().phrase())).findFirst().orElseThrow();
                assertEquals(f.laterality() == Finding.Laterality.BILATERAL ? "bilateral" : f.laterality().word(), ans, question);
            }
            if (cat.equals("abnormality") && q.get("type").asText().equals("closed")) {
                boolean abnormal = s.attributes().stream().anyMatch(f -> f.label() != CheXpertLabel.SUPPORT_DEVICES);
                boolean asksNormal = question.contains(" normal");
                assertEquals(abnormal != asksNormal ? "yes" : "no", ans, question + " for " + s.attributes());
            }
            if (cat.equals("abnormality") && q.get("type").asText().equals("open")) {
                for (Finding f : s.attributes()) {
                    if (f.label() != CheXpertLabel.SUPPORT_DEVICES && s.label(f.label()) != -1f) assertTrue(ans.contains(f.label().phrase()), ans + " lacks " + f);
                }
            }
            if (cat.equals("device") && q.get("type").asText().equals("closed")) {
                boolean present = s.attributes().stream().anyMatch(f -> f.kind() != null && question.contains(f.kind()));
                assertEquals(present ? "yes" : "no", ans, question);
            }
        }
        assertTrue(categories.containsAll(Set.of("presence", "abnormality", "laterality", "severity", "location", "device")), categories.toString());
    }

    @Test
    void reportQaHasEveryErrorKind() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> kinds = new HashMap<>();
        for (String line : Files.readAllLines(big.resolve("report-qa.jsonl"))) {
            JsonNode q = json.readTree(line);
            String err = q.get("error").asText();
            kinds.merge(err, 1, Integer::sum);
            assertEquals(err.equals("none"), q.get("correct").asBoolean());
            assertTrue(q.get("report").asText().startsWith("FINDINGS: "));
        }
        assertEquals(Set.of("none", "omission", "insertion", "laterality", "severity"), kinds.keySet());
        assertTrue(kinds.get("none") > 120 && kinds.get("none") < 280, kinds.toString());
    }

    @Test
    void injectedErrorsChangeTheLabels() {
        SplittableRandom r = new SplittableRandom(1);
        List<Finding> truth = List.of(new Finding(CheXpertLabel.PLEURAL_EFFUSION, Finding.Laterality.LEFT, Finding.Severity.SMALL, null, null));
        ReportPlan plan = new ReportPlan(List.of(new ReportPlan.Mention(CheXpertLabel.PLEURAL_EFFUSION, ReportPlan.Polarity.POSITIVE, truth, ReportPlan.Change.NONE)));
        var src = new ReportQaGenerator.Source(FindingSampler.patient(new SplittableRandom(2)), Site.A);
        ReportPlan lat = ReportQaGenerator.inject("laterality", truth, plan, false, src, r);
        assertEquals(Finding.Laterality.RIGHT, lat.mention(CheXpertLabel.PLEURAL_EFFUSION).first().laterality());
        ReportPlan sev = ReportQaGenerator.inject("severity", truth, plan, false, src, r);
        assertNotEquals(Finding.Severity.SMALL, sev.mention(CheXpertLabel.PLEURAL_EFFUSION).first().severity());
        assertNull(ReportQaGenerator.inject("omission", truth, plan, false, src, r).mention(CheXpertLabel.PLEURAL_EFFUSION));
        ReportPlan ins = ReportQaGenerator.inject("insertion", truth, plan, false, src, r);
        assertEquals(2, ins.mentions().size());
        String text = ReportWriter.sections(lat, false, r).text().toLowerCase(Locale.ROOT);
        assertTrue(text.contains("right") && !text.contains("left"), text);
    }

    @Test
    void optionsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyntheticCxr.Options.of(0, 1));
        assertTrue(e.getMessage().contains("studies"));
        assertThrows(IllegalArgumentException.class, () -> SyntheticCxr.Options.of(5, 1).withSize(8));
        assertEquals(Difficulty.HARD, Difficulty.parse("Hard"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Difficulty.parse("extreme")).getMessage().contains("easy, normal or hard"));
    }
}
