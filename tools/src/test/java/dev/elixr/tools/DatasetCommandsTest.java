package dev.elixr.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Through the command line: {@code --dataset} (named or detected) on the evaluations of a run trained on the MIMIC
 * layout, evaluated on CheXpert and DICOM-folder layouts of other synthetic studies, and {@code --uncertain} on the probes.
 */
class DatasetCommandsTest {
    @TempDir static Path tmp;
    static Path mimic, chexpert, dicom, run;
    static final ObjectMapper JSON = new ObjectMapper();

    static ReproducibilityCommandsTest.Result ok(String... args) { return ReproducibilityCommandsTest.ok(args); }

    @BeforeAll static void trainTinyRunAndWriteOtherLayouts() {
        mimic = tmp.resolve("mimic");
        chexpert = tmp.resolve("chexpert");
        dicom = tmp.resolve("dicom");
        run = tmp.resolve("run");
        ok("data", "synth", "--out", mimic.toString(), "--studies", "60", "--seed", "4", "--size", "32", "--no-progress");
        ok("data", "synth", "--out", chexpert.toString(), "--studies", "120", "--seed", "5", "--size", "32", "--layout", "chexpert", "--no-progress");
        ok("data", "synth", "--out", dicom.toString(), "--studies", "40", "--seed", "6", "--size", "32", "--layout", "dicom", "--no-progress");
        ok("train", "elixr-c", "--data", mimic.toString(), "--out", run.toString(), "--image-size", "32", "--epochs", "1",
                "--batch", "16", "--no-augment", "--seed", "6");
    }

    static JsonNode json(Path p) throws Exception { return JSON.readTree(p.toFile()); }

    @Test void trainingRecordsTheDetectedDataSet() throws Exception {
        assertEquals("mimic-cxr-jpg", json(run.resolve("run.json")).findValue("dataset").asText());
    }

    @Test void zeroShotAndSearchReadACheXpertLayoutDetectedOrNamed() throws Exception {
        ok("eval", "zero-shot", "--run", run.toString(), "--data", chexpert.toString(), "--bootstrap", "20");
        assertEquals("chexpert", json(run.resolve("eval/zero-shot/eval.json")).findValue("dataset").asText());
        ok("eval", "search", "--run", run.toString(), "--data", chexpert.toString(), "--dataset", "chexpert");
        assertEquals("chexpert", json(run.resolve("eval/search/eval.json")).findValue("dataset").asText());
        assertTrue(Files.exists(run.resolve("eval/search/metrics.json")));
    }

    @Test void crossSiteReadsADicomFolderAsSiteBWithTheUncertainPolicyRecorded() throws Exception {
        var r = ok("eval", "cross-site", "--run", run.toString(), "--data", mimic.toString(), "--other-data", dicom.toString(),
                "--other-dataset", "dicom", "--bootstrap", "20", "--fractions", "1.0", "--repeats", "1", "--uncertain", "negative");
        assertTrue(r.out().contains("mean AUC: site A"), r.out());
        JsonNode m = json(run.resolve("eval/cross-site/metrics.json"));
        assertTrue(m.toString().contains("\"dataset\":\"mimic-cxr-jpg\"") && m.toString().contains("\"dataset\":\"dicom\""), m.toString());
        assertEquals("uncertain negative, blank ignore", m.get("label_policy").asText());
    }

    @Test void dataEfficientProbesRecordTheUncertainPolicy() throws Exception {
        ok("eval", "data-efficient", "--run", run.toString(), "--data", chexpert.toString(), "--fractions", "1.0", "--repeats", "1",
                "--baseline-epochs", "0", "--mlp-steps", "5", "--uncertain", "positive");
        assertEquals("uncertain positive, blank ignore", json(run.resolve("eval/data-efficient/eval.json")).at("/options/label_policy").asText());
    }

    @Test void autoRefusesAFolderInNoKnownLayoutNamingItAndTheChoices() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        var r = HostileDataInputTest.elixr("eval", "zero-shot", "--run", run.toString(), "--data", empty.toString());
        assertEquals(1, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("elixr: ") && last.contains(empty.toString()) && last.contains("--dataset mimic-cxr-jpg, chexpert, iu-xray or dicom"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
