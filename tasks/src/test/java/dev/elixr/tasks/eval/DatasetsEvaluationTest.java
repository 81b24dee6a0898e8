package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tasks.data.synth.Site;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.ElixrCTrainingJob;
import dev.elixr.tasks.train.ReportText;
import dev.elixr.tasks.train.ReportVocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Training, evaluation and embedding on every data set layout (synthetic fixtures in each), and the cross-site evaluation. */
class DatasetsEvaluationTest {
    @TempDir static Path tmp;
    static Path iu, chexpertDicom, siteB, run;

    static SyntheticCxr.Options options() { return SyntheticCxr.Options.of(80, 11).withSize(32).withProgress(false).withSplit(0.1, 0.3); }

    @BeforeAll
    static void dataAndRun() throws Exception {
        iu = tmp.resolve("iu");
        SyntheticCxr.generate(iu, options().withLayout(CxrDataset.IU_XRAY));
        chexpertDicom = tmp.resolve("chexpert");
        SyntheticCxr.generate(chexpertDicom, options().withLayout(CxrDataset.CHEXPERT).withFormat(SyntheticCxr.ImageFormat.DICOM));
        siteB = tmp.resolve("site-b");
        SyntheticCxr.generate(siteB, SyntheticCxr.Options.of(80, 12).withSize(32).withProgress(false).withSplit(0.1, 0.3).withSite(Site.B));
        run = train(iu, CxrDataset.IU_XRAY, tmp.resolve("run"));
    }

    static Path train(Path data, CxrDataset dataset, Path out) throws Exception {
        var texts = dataset.read(data).stream().filter(s -> s.split().equals("train")).map(s -> ReportText.findingsAndImpression(s.report())).toList();
        var model = new ElixrCConfig(new ElixrCConfig.Image("conv", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(ReportVocabulary.build(texts, 1).size(), 16, 1, 2, 32, 48), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
        var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 16, false),
                new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0), null, new ContrastiveTraining.Session(5, false, 100, 0));
        ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, out, model, cfg).withDataset(dataset), "test", TinyRun.QUIET);
        return out;
    }

    @Test
    void aRunTrainedOnIuXrayRecordsItsDatasetAndCheXpertCannotBeTrainedOn() throws Exception {
        JsonNode info = new ObjectMapper().readTree(run.resolve("run.json").toFile());
        assertEquals("iu-xray", info.findValue("dataset").asText(), info.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> train(chexpertDicom, CxrDataset.CHEXPERT, tmp.resolve("no")));
        assertTrue(e.getMessage().contains("has no reports"), e.getMessage());
    }

    @Test
    void zeroShotOnCheXpertDicomImagesUsesTheValidCsvAsTestSplitWithEveryFinding() throws Exception {
        var log = new ByteArrayOutputStream();
        var r = ElixrCEvaluation.open(run, chexpertDicom, CxrDataset.CHEXPERT, new PrintStream(log, true))
                .zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "test", 20, 1);
        int expected = (int) CxrDataset.CHEXPERT.read(chexpertDicom).stream().filter(s -> s.split().equals("test")).count();
        assertTrue(expected > 5);
        assertEquals(expected, r.scores().stream().map(ZeroShot.Score::dicomId).distinct().count(), "every DICOM test image was read");
        assertFalse(log.toString().contains("no labels for"), log.toString());
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval/zero-shot/eval.json").toFile());
        assertEquals("chexpert", eval.findValue("dataset").asText());
    }

    @Test
    void linearProbesTrainOnCheXpertsTrainCsvAndTestOnItsValidCsv() throws Exception {
        var r = ElixrCEvaluation.open(run, chexpertDicom, CxrDataset.CHEXPERT, TinyRun.QUIET)
                .dataEfficient(new double[] {1.0}, 1, 3, null, java.util.List.of(new LogisticProbe()));
        assertFalse(r.summaries().isEmpty());
        JsonNode manifest = new ObjectMapper().readTree(run.resolve("eval/data-efficient/manifest.json").toFile());
        long test = CxrDataset.CHEXPERT.read(chexpertDicom).stream().filter(s -> s.split().equals("test")).count();
        assertEquals(test, manifest.findValue("test").size(), manifest.toString());
    }

    @Test
    void findingsTheIuXrayLabelsLackAreSkippedSaidSoAndRecorded() throws Exception {
        var log = new ByteArrayOutputStream();
        var ev = ElixrCEvaluation.open(run, iu, CxrDataset.IU_XRAY, new PrintStream(log, true));
        var r = ev.zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "validate", 20, 1);
        assertTrue(log.toString().contains("no labels for Enlarged Cardiomediastinum: skipped"), log.toString());
        var f = r.perFinding().stream().filter(x -> x.finding().equals("Enlarged Cardiomediastinum")).findFirst().orElseThrow();
        assertFalse(f.defined());
        assertEquals(0, f.nPos() + f.nNeg());
        JsonNode eval = new ObjectMapper().readTree(run.resolve("eval/zero-shot-validate/eval.json").toFile());
        assertEquals("Enlarged Cardiomediastinum", eval.findValue("findings_without_labels").get(0).asText());
    }

    @Test
    void embedReadsCheXpertDicomImages() throws Exception {
        Path out = tmp.resolve("emb.npy");
        var w = EmbeddingExport.write(run, chexpertDicom, CxrDataset.CHEXPERT, "test", EmbeddingExport.Kind.IMAGE, out, "test", TinyRun.QUIET);
        assertEquals(CxrDataset.CHEXPERT.read(chexpertDicom).stream().filter(s -> s.split().equals("test")).count(), w.rows());
        assertTrue(Files.readString(w.preprocessing()).contains("\"dataset\" : \"chexpert\""));
    }

    @Test
    void crossSiteReportsBothSitesAucsSideBySideWithTheDrop() throws Exception {
        Path mimicRun = TinyRun.create(tmp.resolve("a")).run();
        Path siteA = tmp.resolve("a").resolve("data");
        var r = CrossSite.zeroShot(mimicRun, new CrossSite.Site("A", siteA, CxrDataset.MIMIC), new CrossSite.Site("B", siteB, CxrDataset.MIMIC),
                Prompts.defaults(), LabelPolicy.IGNORE_BOTH, 20, 1, "test", TinyRun.QUIET);
        assertEquals(13, r.perFinding().size());
        assertTrue(r.findingsCompared() > 3, "findings defined at both sites: " + r.findingsCompared());
        assertFalse(Double.isNaN(r.meanAucA()) || Double.isNaN(r.meanAucB()));
        JsonNode m = new ObjectMapper().readTree(r.dir().resolve("metrics.json").toFile());
        assertEquals(r.meanDrop(), m.get("mean_drop").asDouble(), 1e-12);
        for (JsonNode f : m.get("per_finding"))
            if (!f.get("drop").isNull()) assertEquals(f.get("auc_a").asDouble() - f.get("auc_b").asDouble(), f.get("drop").asDouble(), 1e-12);
        assertTrue(Files.isRegularFile(r.dir().resolve("site-a/metrics.json")) && Files.isRegularFile(r.dir().resolve("site-b/metrics.json")));
        assertEquals(siteB.toAbsolutePath().toString(), m.at("/site_b/data").asText());
    }

    @Test
    void crossSiteProbesAreFittedOnSiteAAndScoredAtBothSitesBesideTheZeroShotTable() throws Exception {
        Path siteA = tmp.resolve("pa");
        Path run = TinyRun.create(siteA).run();
        var probes = new CrossSite.ProbeOptions(new double[] {0.5, 1.0}, 2, List.of(new LogisticProbe()), ProbeFeatures.DEFAULT);
        var r = CrossSite.evaluate(run, new CrossSite.Site("A", siteA.resolve("data"), CxrDataset.MIMIC),
                new CrossSite.Site("B", siteB, CxrDataset.MIMIC), Prompts.defaults(), LabelPolicy.IGNORE_BOTH, 20, 1, probes, "test", TinyRun.QUIET);
        assertEquals(13, r.perFinding().size(), "the zero-shot table is still there");
        assertEquals(2 * (1 + Findings.DATA_EFFICIENT_5.size()), r.probes().size(), "a mean row and 5 findings per fraction");
        // site A's column is what eval data-efficient reports for the same run, subsets and seed
        var e = ElixrCEvaluation.open(run, siteA.resolve("data"), CxrDataset.MIMIC, TinyRun.QUIET);
        var de = e.dataEfficient(new double[] {0.5, 1.0}, 2, 1, null, List.of(new LogisticProbe()));
        for (CrossSite.ProbeDrop d : r.probes()) {
            if (!d.finding().equals("mean")) continue;
            var s = de.summary(de.summaries().getFirst().source(), d.probe(), d.fraction());
            assertEquals(s.meanAuc(), d.aucA(), 1e-12, "site A at fraction " + d.fraction());
            assertFalse(Double.isNaN(d.aucB()), "site B at fraction " + d.fraction());
        }
        JsonNode m = new ObjectMapper().readTree(r.dir().resolve("metrics.json").toFile());
        assertEquals(r.probes().size(), m.at("/probes/rows").size());
        for (JsonNode row : m.at("/probes/rows"))
            if (!row.get("drop").isNull()) assertEquals(row.get("auc_a").asDouble() - row.get("auc_b").asDouble(), row.get("drop").asDouble(), 1e-12);
        assertTrue(m.at("/probes/trained_on").asText().startsWith("site A's training split"));
    }
}
