package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.LabelPolicy;
import dev.elixr.tasks.data.synth.Site;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.tasks.train.QFormerTraining;
import dev.elixr.tasks.train.QFormerTrainingJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ELIXR-C evaluations run on an ELIXR-B run (its Q-Former over its image run's frozen tower), scored by the best query. */
class ElixrBEvaluationTest {
    @TempDir static Path tmp;
    static TinyRun tiny;
    static Path runB;

    @BeforeAll static void train() throws Exception {
        tiny = TinyRun.create(tmp);
        runB = tmp.resolve("run-b");
        QFormerTrainingJob.run(new QFormerTrainingJob.Options(tiny.data(), tiny.run(), runB, QFormerTrainingJob.Shape.tiny(),
                new QFormerTraining.Config(new ContrastiveTraining.Data(1, 8, false), new ContrastiveTraining.Optimisation(2e-3, 0.05, 0.1, 1.0),
                        ContrastiveTraining.Session.of(2))), "elixr train elixr-b (test)", TinyRun.QUIET);
    }

    static ElixrCEvaluation eval() throws Exception {
        return ElixrCEvaluation.open(runB, tiny.data(), TinyRun.QUIET).withCommandLine("elixr eval (test)");
    }

    @Test void imageEmbeddingsOfAnElixrBRunAreItsQueryEmbeddingsConcatenated() throws Exception {
        var e = eval();
        var shape = ElixrBRun.load(runB, TinyRun.QUIET).spec().qformer();
        float[] first = e.testEmbedded().embeddings()[0];
        assertEquals(shape.queries().count() * shape.projectionWidth(), first.length);
        for (int q = 0; q < shape.queries().count(); q++) {
            float[] query = java.util.Arrays.copyOfRange(first, q * shape.projectionWidth(), (q + 1) * shape.projectionWidth());
            assertEquals(1.0, Embeddings.dot(query, query), 1e-5, "query " + q + " is L2-normalised");
        }
    }

    @Test void zeroShotSearchAndProbesRunOnAnElixrBRunAndRecordIt() throws Exception {
        var zs = eval().zeroShot(Prompts.defaults(), 20, 3);
        assertTrue(Double.isFinite(zs.meanAuc()), "mean AUC " + zs.meanAuc());
        var ss = eval().search(SearchQuery.defaults(), 3);
        assertTrue(ss.meanNdcg() >= 0 && ss.meanNdcg() <= 1, "NDCG " + ss.meanNdcg());
        var de = eval().dataEfficient(new double[] {1.0}, 1, 5, null, List.of(new LogisticProbe()));
        assertNotNull(de.summary("elixr-b", new LogisticProbe().name(), 1.0), "the probe's source is elixr-b");
        var rec = new ObjectMapper().readTree(runB.resolve("eval/zero-shot/eval.json").toFile());
        assertEquals("elixr-b", rec.get("evaluated_model").asText());
        assertEquals(runB.toAbsolutePath().normalize().toString(), rec.get("run").asText());
        assertEquals(tiny.run().toAbsolutePath().normalize().toString(), rec.get("image_run").asText());
        assertTrue(rec.toString().contains("\"query_scoring\":\"best: max over queries"), "the paper's scoring is the default: " + rec);
    }

    @Test void crossSiteOnAnElixrBRunScoresSiteAAsItsZeroShotAndSiteBBesideIt() throws Exception {
        Path siteB = tmp.resolve("site-b");
        SyntheticCxr.generate(siteB, SyntheticCxr.Options.of(80, 12).withSize(32).withProgress(false).withSplit(0.1, 0.3).withSite(Site.B));
        var r = CrossSite.zeroShot(runB, new CrossSite.Site("A", tiny.data(), CxrDataset.MIMIC), new CrossSite.Site("B", siteB, CxrDataset.MIMIC),
                Prompts.defaults(), LabelPolicy.IGNORE_BOTH, 20, 1, "elixr eval cross-site (test)", TinyRun.QUIET);
        assertEquals(eval().zeroShot(Prompts.defaults(), 20, 1).meanAuc(), r.meanAucA(), 1e-12, "site A is the run's own zero-shot");
        assertTrue(Double.isFinite(r.meanAucB()), "site B's mean AUC " + r.meanAucB());
        var rec = new ObjectMapper().readTree(r.dir().resolve("site-b/eval.json").toFile());
        assertEquals("elixr-b", rec.get("evaluated_model").asText(), "site B is scored with the Q-Former's queries");
    }

    @Test void embedOfAnElixrBRunWritesQueryEmbeddingsNQPAndTextsNPThatTheSearchScoresReproduce() throws Exception {
        var shape = ElixrBRun.load(runB, TinyRun.QUIET).spec().qformer();
        int q = shape.queries().count(), p = shape.projectionWidth();
        Path images = tmp.resolve("b-images.npy"), texts = tmp.resolve("b-texts.npy");
        var wi = EmbeddingExport.write(runB, tiny.data(), "test", EmbeddingExport.Kind.IMAGE, images, "elixr embed (test)", TinyRun.QUIET);
        var wt = EmbeddingExport.write(runB, tiny.data(), "test", EmbeddingExport.Kind.TEXT, texts, "elixr embed (test)", TinyRun.QUIET);
        var a = dev.elixr.autograd.io.Npy.read(images);
        assertEquals(List.of(wi.rows(), q, p), java.util.Arrays.stream(a.shape()).boxed().toList());
        assertEquals(List.of(wt.rows(), p), java.util.Arrays.stream(dev.elixr.autograd.io.Npy.read(texts).shape()).boxed().toList());
        float[] flat = a.toFloatArray(), first = java.util.Arrays.copyOfRange(flat, 0, q * p);
        assertEquals(List.of(first.length), List.of(eval().testEmbedded().embeddings()[0].length));
        float[] inEval = eval().testEmbedded().embeddings()[0];
        for (int i = 0; i < first.length; i++) assertEquals(inEval[i], first[i], 1e-6f, "value " + i);
        var json = new ObjectMapper().readTree(wi.preprocessing().toFile());
        assertEquals("elixr-b", json.get("model_kind").asText());
        assertEquals(List.of(wi.rows(), q, p), List.of(json.at("/npy/shape/0").asInt(), json.at("/npy/shape/1").asInt(), json.at("/npy/shape/2").asInt()));
        assertTrue(json.get("scoring").asText().contains("max over its queries"), json.toString());
    }

    @Test void embedTextsOfAnElixrBRunSkipsAnEmptyReportAndNamesIt() throws Exception {
        Path data = tmp.resolve("data-empty-report");
        try (var files = java.nio.file.Files.walk(tiny.data())) {
            for (Path f : files.toList()) {
                Path to = data.resolve(tiny.data().relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) java.nio.file.Files.createDirectories(to);
                else java.nio.file.Files.copy(f, to);
            }
        }
        var test = dev.elixr.tasks.data.MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("test")).toList();
        var victim = test.get(0);
        Path report = victim.image().getParent().resolveSibling("s" + victim.studyId() + ".txt");
        java.nio.file.Files.write(report, new byte[0]);
        var log = new java.io.ByteArrayOutputStream();
        var w = EmbeddingExport.write(runB, data, "test", EmbeddingExport.Kind.TEXT, tmp.resolve("b-texts-skip.npy"), "elixr embed (test)",
                new java.io.PrintStream(log, true));
        long withStudy = test.stream().filter(s -> s.studyId().equals(victim.studyId())).count();
        assertEquals(test.size() - withStudy, w.rows(), "the images of the study with the empty report are not embedded");
        assertTrue(java.nio.file.Files.readAllLines(w.ids()).stream().noneMatch(l -> l.contains("," + victim.studyId() + ",")),
                "ids.csv leaves the study out");
        assertTrue(log.toString().contains("1 empty: " + report), log.toString());
    }

    @Test void searchWithItmRerankingWritesBothRankingsAndAnElixrCRunRefusesIt() throws Exception {
        var e = eval().withItmRerank(6);
        var itc = e.search(SearchQuery.defaults(), 3);
        var itm = e.itmReranked();
        assertNotNull(itm);
        assertEquals(itc.perQuery().size(), itm.perQuery().size());
        var metrics = new ObjectMapper().readTree(runB.resolve("eval/search/metrics.json").toFile());
        assertEquals(itc.meanNdcg(), metrics.get("mean_ndcg_at_k").asDouble(), 1e-12);
        assertEquals(itm.meanNdcg(), metrics.at("/itm_rerank/mean_ndcg_at_k").asDouble(), 1e-12);
        assertEquals(6, metrics.at("/itm_rerank/candidates").asInt());
        assertTrue(java.nio.file.Files.exists(runB.resolve("eval/search/itm-rerank/scores.csv")));
        for (int j = 0; j < itc.perQuery().size(); j++) {
            var top6 = java.util.Arrays.stream(dev.elixr.tasks.metrics.PrecisionAtK.topK(itc.perQuery().get(j).scores(), 6)).boxed().toList();
            for (var hit : itm.perQuery().get(j).top())
                assertTrue(top6.contains(hit.index()), "re-ranked hit " + hit + " is one of the ITC top 6");
        }
        var c = ElixrCEvaluation.open(tiny.run(), tiny.data(), TinyRun.QUIET).withItmRerank(6);
        var refused = assertThrows(IllegalArgumentException.class, () -> c.search(SearchQuery.defaults(), 3));
        assertTrue(refused.getMessage().contains("no ITM head"), refused.getMessage());
    }

    @Test void similarityOfAQueryImageIsItsBestQuerysDotProduct() {
        float[] image = {1, 0, 0.6f, 0.8f, 0, -1}, text = {0.6f, 0.8f};
        assertEquals(1.0, Embeddings.similarity(image, text), 1e-6);
        assertEquals(Embeddings.dot(new float[] {0.6f, 0.8f}, text), Embeddings.similarity(new float[] {0.6f, 0.8f}, text));
        assertThrows(IllegalArgumentException.class, () -> Embeddings.similarity(new float[5], text));
    }

    @Test void meanQuerySimilarityIsTheMeanOfTheQueriesDotProducts() {
        float[] image = {1, 0, 0.6f, 0.8f, 0, -1}, text = {0.6f, 0.8f};
        assertEquals((0.6 + 1.0 - 0.8) / 3, Embeddings.meanQuerySimilarity(image, text), 1e-6);
        assertEquals((0.6 + 1.0 - 0.8) / 3, QueryScoring.MEAN.similarity(image, text), 1e-6);
        assertEquals(1.0, QueryScoring.BEST.similarity(image, text), 1e-6);
        assertEquals(Embeddings.dot(text, text), Embeddings.meanQuerySimilarity(text, text), 1e-12, "one embedding: its dot product");
        assertThrows(IllegalArgumentException.class, () -> Embeddings.meanQuerySimilarity(new float[5], text));
        var e = assertThrows(IllegalArgumentException.class, () -> QueryScoring.parse("max"));
        assertTrue(e.getMessage().contains("--query-scoring 'max'") && e.getMessage().contains("best") && e.getMessage().contains("mean"), e.getMessage());
    }

    @Test void zeroShotWithMeanQueryScoringScoresEachImageByTheMeanOverItsQueriesAndRecordsIt() throws Exception {
        var best = eval().zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "test", 0, 3, QueryScoring.BEST);
        var e = eval();
        var mean = e.zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "test", 0, 3, QueryScoring.MEAN);
        var run = ElixrBRun.load(runB, TinyRun.QUIET);
        var pair = Prompts.defaults().byFinding().get(mean.scores().getFirst().finding());
        float[] pos = Embeddings.meanDirection(run.embedTexts(pair.positive())), neg = Embeddings.meanDirection(run.embedTexts(pair.negative()));
        var ids = e.testEmbedded().ids();
        var first = mean.scores().getFirst();
        float[] img = e.testEmbedded().embeddings()[ids.indexOf(first.dicomId())];
        assertEquals(Embeddings.meanQuerySimilarity(img, pos) - Embeddings.meanQuerySimilarity(img, neg), first.score(), 1e-9);
        assertEquals(Embeddings.similarity(img, pos) - Embeddings.similarity(img, neg), best.scores().getFirst().score(), 1e-9);
        assertTrue(first.score() != best.scores().getFirst().score(), "the two scorings differ on a Q-Former image");
        var rec = new ObjectMapper().readTree(runB.resolve("eval/zero-shot/eval.json").toFile());
        assertTrue(rec.toString().contains("\"query_scoring\":\"mean: mean over queries"), rec.toString());
    }

    @Test void meanQueryScoringOnAnElixrCRunIsRefusedNamingTheRun() throws Exception {
        var c = ElixrCEvaluation.open(tiny.run(), tiny.data(), TinyRun.QUIET);
        var e = assertThrows(IllegalArgumentException.class,
                () -> c.zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "test", 0, 1, QueryScoring.MEAN));
        assertTrue(e.getMessage().contains("--query-scoring mean") && e.getMessage().contains(tiny.run().toString())
                && e.getMessage().contains("ELIXR-C run"), e.getMessage());
        assertEquals(c.zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "test", 0, 1).meanAuc(),
                ElixrCEvaluation.open(tiny.run(), tiny.data(), TinyRun.QUIET).zeroShot(Prompts.defaults(), LabelPolicy.IGNORE_BOTH, "test", 0, 1,
                        QueryScoring.BEST).meanAuc(), 0, "best on ELIXR-C is the plain zero-shot");
    }
}
