package dev.elixr.tasks.data.synth;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.CxrImageFile;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.ReportSectioner;
import dev.elixr.tasks.data.dicom.DicomImage;
import dev.elixr.tasks.data.dicom.DicomReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tasks.language.InstructionSet;
import dev.elixr.tasks.language.LanguageTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The same synthetic studies written in each data set's layout and image format, read back by each reader. */
class SyntheticLayoutsTest {
    @TempDir static Path tmp;
    static List<CxrStudy> mimic;
    static final ObjectMapper JSON = new ObjectMapper();

    static SyntheticCxr.Options options() { return SyntheticCxr.Options.of(30, 5).withSize(32).withProgress(false); }

    @BeforeAll
    static void reference() throws IOException {
        SyntheticCxr.generate(tmp.resolve("mimic"), options());
        mimic = CxrDataset.MIMIC.read(tmp.resolve("mimic"));
    }

    @Test
    void cheXpertLayoutKeepsEveryStudysLabelsAndPutsTheTestPatientsInValidCsv() throws IOException {
        Path dir = tmp.resolve("chexpert");
        SyntheticCxr.generate(dir, options().withLayout(CxrDataset.CHEXPERT));
        assertFalse(Files.exists(dir.resolve("files")), "the MIMIC layout is gone");
        assertEquals(CxrDataset.CHEXPERT, CxrDataset.detect(dir));
        List<CxrStudy> c = CxrDataset.CHEXPERT.read(dir);
        assertEquals(mimic.size(), c.size());
        for (int i = 0; i < c.size(); i++) {
            assertArrayEquals(mimic.get(i).labels(), c.get(i).labels(), "study " + i);
            assertEquals(mimic.get(i).split().equals("test"), c.get(i).split().equals("test"), "valid.csv is the test split");
            assertTrue(Files.isRegularFile(c.get(i).image()), c.get(i).image().toString());
            assertEquals("", c.get(i).report());
        }
        assertTrue(c.stream().anyMatch(s -> Arrays.asList(toObjects(s.labels())).contains(-1f)), "uncertain labels are kept for the eval's policy");
        assertFalse(CxrDataset.CHEXPERT.hasReports());
        var e = assertThrows(NoSuchFileException.class, () -> CxrDataset.MIMIC.read(dir));
        assertTrue(e.getMessage().contains("--dataset chexpert"), e.getMessage());
    }

    @Test
    void iuXrayLayoutMapsLabelsToProblemsAndBackAndSectionsReportsLikeMimic() throws IOException {
        Path dir = tmp.resolve("iu");
        SyntheticCxr.generate(dir, options().withLayout(CxrDataset.IU_XRAY));
        List<CxrStudy> iu = CxrDataset.IU_XRAY.read(dir);
        assertEquals(mimic.size(), iu.size());
        for (int i = 0; i < iu.size(); i++) {
            CxrStudy m = mimic.get(i), s = iu.get(i);
            assertTrue(s.image().getFileName().toString().endsWith(".png"));
            for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
                if (l == CheXpertLabel.ENLARGED_CARDIOMEDIASTINUM) assertTrue(Float.isNaN(s.label(l)), "no Problems term for it");
                else assertEquals(m.label(l) == 1f ? 1f : 0f, s.label(l), "study " + i + " " + l);
            }
            ReportSectioner.Sections a = ReportSectioner.sections(m.report()), b = ReportSectioner.sections(s.report());
            assertEquals(a.findings(), b.findings(), "study " + i);
            assertEquals(a.impression(), b.impression(), "study " + i);
        }
        assertEquals(List.of(CheXpertLabel.ENLARGED_CARDIOMEDIASTINUM), CxrDataset.IU_XRAY.unlabelledFindings());
        assertEquals(List.of(), CxrDataset.MIMIC.unlabelledFindings());
    }

    @Test
    void dicomFormatStoresTheSameImagesAs16BitPngWithin12BitQuantisation() throws IOException {
        Path dcm = tmp.resolve("dcm"), png = tmp.resolve("png");
        SyntheticCxr.generate(dcm, options().withFormat(SyntheticCxr.ImageFormat.DICOM));
        SyntheticCxr.generate(png, options().withFormat(SyntheticCxr.ImageFormat.PNG));
        List<CxrStudy> d = CxrDataset.MIMIC.read(dcm), p = CxrDataset.MIMIC.read(png);
        assertEquals(p.size(), d.size());
        for (int i = 0; i < d.size(); i += 7) {
            assertTrue(d.get(i).image().toString().endsWith(".dcm"));
            DicomImage img = new DicomReader().read(d.get(i).image());
            assertEquals(12, img.pixels().bitsStored());
            GreyImage a = CxrImageFile.read(d.get(i).image(), ImagePreprocessing.DISPLAY), b = CxrImageFile.read(p.get(i).image(), ImagePreprocessing.DISPLAY);
            assertArrayEquals(b.pixels(), a.pixels(), 0.5f / 4095 + 1f / 65535 + 1e-6f, "image " + i);
        }
    }

    @Test
    void siteBIsDeterministicOtherInAcquisitionAndSickerThanSiteA() throws IOException {
        SyntheticCxr.Options o = SyntheticCxr.Options.of(160, 8).withSize(32).withProgress(false);
        SyntheticCxr.generate(tmp.resolve("a"), o);
        SyntheticCxr.generate(tmp.resolve("b1"), o.withSite(Site.B).withFormat(SyntheticCxr.ImageFormat.DICOM));
        SyntheticCxr.generate(tmp.resolve("b2"), o.withSite(Site.B).withFormat(SyntheticCxr.ImageFormat.DICOM).withThreads(1));
        List<CxrStudy> a = CxrDataset.MIMIC.read(tmp.resolve("a")), b = CxrDataset.MIMIC.read(tmp.resolve("b1"));
        List<CxrStudy> b2 = CxrDataset.MIMIC.read(tmp.resolve("b2"));
        for (int i = 0; i < b.size(); i++) assertArrayEquals(Files.readAllBytes(b.get(i).image()), Files.readAllBytes(b2.get(i).image()));
        DicomImage first = new DicomReader().read(b.getFirst().image());
        assertTrue(first.pixels().monochrome1(), "site B's detector writes MONOCHROME1");
        float[] shown = CxrImageFile.read(b.getFirst().image(), ImagePreprocessing.DISPLAY).pixels();
        assertEquals(1f, shown[3 * 32 + 3], 1e-3f, "burned-in marker");
        assertEquals(Site.UNEXPOSED, shown[16 * 32], 2e-3f, "collimated border at the left edge");
        assertEquals(Site.UNEXPOSED, shown[16 * 32 + 31], 2e-3f, "collimated border at the right edge");
        float[] plain = CxrImageFile.read(a.getFirst().image(), ImagePreprocessing.DISPLAY).pixels();
        assertNotEquals(Site.UNEXPOSED, plain[16 * 32], 2e-3f, "site A is not collimated");
        assertTrue(share(b, CheXpertLabel.SUPPORT_DEVICES) > share(a, CheXpertLabel.SUPPORT_DEVICES) + 0.08,
                share(b, CheXpertLabel.SUPPORT_DEVICES) + " vs " + share(a, CheXpertLabel.SUPPORT_DEVICES));
        assertTrue(b.stream().filter(s -> s.view().equals("AP")).count() > a.stream().filter(s -> s.view().equals("AP")).count());
    }

    static double share(List<CxrStudy> s, CheXpertLabel l) {
        return s.stream().filter(x -> x.label(l) == 1f).count() / (double) s.size();
    }

    static Float[] toObjects(float[] v) {
        Float[] o = new Float[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i];
        return o;
    }
    @ParameterizedTest
    @EnumSource(value = CxrDataset.class, names = {"CHEXPERT", "IU_XRAY", "DICOM"})
    void everyVqaAndReportQaItemIsKeyedToTheSameStudysImageInEachLayout(CxrDataset layout) throws IOException {
        Path dir = tmp.resolve("items-" + layout.key());
        SyntheticCxr.generate(dir, options().withLayout(layout).withFormat(SyntheticCxr.ImageFormat.JPEG)); // the reference's format: the same files
        List<CxrStudy> studies = layout.read(dir);
        Map<String, CxrStudy> byMimicId = mimic.stream().collect(Collectors.toMap(CxrStudy::dicomId, Function.identity()));
        Map<String, CxrStudy> byLayoutId = studies.stream().collect(Collectors.toMap(CxrStudy::dicomId, Function.identity()));
        for (String file : List.of("vqa.jsonl", "report-qa.jsonl")) {
            List<String> before = Files.readAllLines(tmp.resolve("mimic").resolve(file)), after = Files.readAllLines(dir.resolve(file));
            assertEquals(before.size(), after.size(), file + ": every item is kept");
            assertFalse(after.isEmpty(), file);
            for (int i = 0; i < after.size(); i++) {
                JsonNode was = JSON.readTree(before.get(i)), now = JSON.readTree(after.get(i));
                CxrStudy layoutStudy = byLayoutId.get(now.path("dicom_id").asText());
                assertNotNull(layoutStudy, file + " line " + (i + 1) + ": " + now.path("dicom_id") + " is a study of the layout");
                assertEquals(-1L, Files.mismatch(byMimicId.get(was.path("dicom_id").asText()).image(), layoutStudy.image()),
                        file + " line " + (i + 1) + ": the same image");
                ((ObjectNode) was).remove("dicom_id");
                ((ObjectNode) now).remove("dicom_id");
                assertEquals(was, now, file + " line " + (i + 1) + ": only the id changed");
            }
        }
        InstructionSet items = InstructionSet.read(dir, studies);
        for (var task : Map.of(LanguageTask.VQA, "vqa.jsonl", LanguageTask.REPORT_QA, "report-qa.jsonl").entrySet()) {
            int all = 0;
            for (String split : List.of("train", "validate", "test")) all += items.items(task.getKey(), split).size();
            assertEquals(Files.readAllLines(dir.resolve(task.getValue())).size(), all, task.getValue() + ": the evaluations find every item's study");
        }
    }
}
