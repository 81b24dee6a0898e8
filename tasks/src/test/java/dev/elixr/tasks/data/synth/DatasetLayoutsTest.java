package dev.elixr.tasks.data.synth;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.CxrImageFile;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.DicomFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code --dataset auto} on each synthetic layout and its refusals; the DICOM folder layout read back. */
class DatasetLayoutsTest {
    @TempDir static Path tmp;
    static List<CxrStudy> mimic;

    static SyntheticCxr.Options options() { return SyntheticCxr.Options.of(30, 5).withSize(32).withProgress(false); }

    @BeforeAll
    static void layouts() throws IOException {
        for (CxrDataset d : CxrDataset.values()) SyntheticCxr.generate(tmp.resolve(d.key()), options().withLayout(d));
        mimic = CxrDataset.MIMIC.read(tmp.resolve(CxrDataset.MIMIC.key()));
    }

    @Test
    void autoDetectsEachSyntheticLayoutAsItself() {
        for (CxrDataset d : CxrDataset.values()) {
            assertEquals(List.of(d), CxrDataset.candidates(tmp.resolve(d.key())), d.key());
            assertEquals(d, CxrDataset.resolve("auto", tmp.resolve(d.key())), d.key());
            assertEquals(d, CxrDataset.detect(tmp.resolve(d.key())), d.key());
        }
    }

    @Test
    void aNamedLayoutIsTakenAsGivenAndTheOldAliasesStillParse() {
        assertEquals(CxrDataset.IU_XRAY, CxrDataset.resolve("iu-xray", tmp.resolve("mimic-cxr-jpg")));
        for (String alias : new String[] {"mimic", "mimic-cxr", "mimic-cxr-jpg", "MIMIC"}) assertEquals(CxrDataset.MIMIC, CxrDataset.parse(alias));
        assertEquals(CxrDataset.DICOM, CxrDataset.parse("dicom"));
        var e = assertThrows(IllegalArgumentException.class, () -> CxrDataset.parse("nih"));
        assertTrue(e.getMessage().contains("auto, mimic-cxr-jpg (or mimic), chexpert, iu-xray or dicom"), e.getMessage());
    }

    @Test
    void autoRefusesAFolderInNoKnownLayoutNamingTheFolderAndTheFilesLookedFor() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("not-a-data-set"));
        var e = assertThrows(IllegalArgumentException.class, () -> CxrDataset.resolve("auto", empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("indiana_reports.csv")
                && e.getMessage().contains("labels.csv") && e.getMessage().contains("--dataset mimic-cxr-jpg, chexpert, iu-xray or dicom"), e.getMessage());
    }

    @Test
    void autoRefusesAFolderThatLooksLikeTwoDataSetsNamingBoth() throws IOException {
        Path both = Files.createDirectories(tmp.resolve("both"));
        Files.copy(tmp.resolve("chexpert").resolve("CheXpert-v1.0").resolve("valid.csv"), both.resolve("valid.csv"));
        Files.copy(tmp.resolve("dicom").resolve(DicomFolder.LABELS), both.resolve(DicomFolder.LABELS));
        var e = assertThrows(IllegalArgumentException.class, () -> CxrDataset.resolve("auto", both));
        assertTrue(e.getMessage().contains(both.toString()) && e.getMessage().contains("chexpert, dicom"), e.getMessage());
        assertNull(CxrDataset.detect(both));
    }

    @Test
    void dicomFolderKeepsEveryStudysLabelsAndReportAndDecodesItsDicomFiles() throws IOException {
        List<CxrStudy> d = CxrDataset.DICOM.read(tmp.resolve("dicom"));
        assertEquals(mimic.size(), d.size());
        for (int i = 0; i < d.size(); i++) {
            assertArrayEquals(mimic.get(i).labels(), d.get(i).labels(), "study " + i);
            assertEquals(mimic.get(i).report(), d.get(i).report(), "study " + i);
            assertTrue(d.get(i).image().toString().endsWith(".dcm") && CxrImageFile.isDicom(d.get(i).image()), d.get(i).image().toString());
        }
        var a = CxrImageFile.read(d.getFirst().image(), ImagePreprocessing.DISPLAY);
        assertEquals(32, a.width());
        assertTrue(CxrDataset.DICOM.hasReports());
        assertEquals(CheXpertLabel.FINDINGS.size(), CxrDataset.DICOM.labelledFindings().size());
    }

    @Test
    void dicomFolderSplitsByPatientIntoTrainValidateAndTest() throws IOException {
        List<CxrStudy> d = CxrDataset.DICOM.read(tmp.resolve("dicom"));
        Map<String, String> splitOf = new HashMap<>();
        for (CxrStudy s : d) {
            String was = splitOf.putIfAbsent(s.subjectId(), s.split());
            assertTrue(was == null || was.equals(s.split()), "patient " + s.subjectId() + " in " + was + " and " + s.split());
        }
        assertTrue(List.of("train", "validate", "test").containsAll(splitOf.values()), splitOf.toString());
        assertTrue(splitOf.containsValue("train") && splitOf.containsValue("test"), splitOf.toString());
    }

    @Test
    void dicomFolderDropsLateralViewsAndRefusesAMissingCsvOrColumnNamingIt() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dicom-small"));
        var e = assertThrows(NoSuchFileException.class, () -> CxrDataset.DICOM.read(dir));
        assertTrue(e.getMessage().contains("labels.csv"), e.getMessage());
        Files.writeString(dir.resolve(DicomFolder.LABELS), "Path,Patient,View,Pneumothorax\na/1.dcm,p1,PA,1\na/2.dcm,p1,LATERAL,0\nb/1.dcm,p2,,-1\n");
        List<CxrStudy> s = CxrDataset.DICOM.read(dir);
        assertEquals(List.of("a/1", "b/1"), s.stream().map(CxrStudy::dicomId).toList());
        assertEquals(1f, s.get(0).label(CheXpertLabel.PNEUMOTHORAX));
        assertEquals(-1f, s.get(1).label(CheXpertLabel.PNEUMOTHORAX), "uncertain kept for the evaluation's policy");
        assertTrue(Float.isNaN(s.get(0).label(CheXpertLabel.EDEMA)), "a missing column is unmentioned");
        assertEquals(dir.resolve("a/1.dcm"), s.get(0).image());
        Files.writeString(dir.resolve(DicomFolder.LABELS), "Path,Pneumothorax\na/1.dcm,1\n");
        var c = assertThrows(IllegalArgumentException.class, () -> CxrDataset.DICOM.read(dir));
        assertTrue(c.getMessage().contains("labels.csv") && c.getMessage().contains("'Patient'"), c.getMessage());
    }

    @Test
    void aDicomFolderWithoutReportsHasNoTrainingPairsAndCountsEveryReportAsEmpty() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dicom-no-reports"));
        Files.writeString(dir.resolve(DicomFolder.LABELS), "Path,Patient,Edema\n" + java.util.stream.IntStream.range(0, 40)
                .mapToObj(i -> "x/" + i + ".dcm,p" + i + ",1\n").collect(java.util.stream.Collectors.joining()));
        var contents = CxrDataset.DICOM.contents(dir);
        var skipped = new dev.elixr.tasks.data.SkippedItems();
        long train = contents.studies().stream().filter(s -> s.split().equals("train")).count();
        assertTrue(train > 0);
        assertEquals(List.of(), contents.usable("train", skipped), "no image-report pair to train on");
        assertEquals(40, contents.unusableReports().size());
        assertTrue(contents.unusableReports().values().stream().allMatch(r -> r.problem() == dev.elixr.tasks.data.ReportFile.Problem.EMPTY));
        var withReports = CxrDataset.DICOM.contents(tmp.resolve("dicom"));
        assertTrue(withReports.unusableReports().isEmpty(), "the synthetic DICOM folder has a report in every row");
    }
}
