package dev.elixr.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.metrics.Ndcg;
import dev.elixr.tasks.metrics.PrecisionAtK;
import dev.elixr.tasks.metrics.RocAuc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** `elixr demo --quick` end to end through the command line: data, training, three evaluations, report. */
class DemoQuickTest {
    @TempDir static Path dir;
    static int code;
    static String table;

    /** On two threads (the demo's LM then trains beside ELIXR-C, whatever the machine's cores). */
    @BeforeAll static void runQuickDemo() {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int threads = dev.elixr.tensor.Parallel.threads();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            dev.elixr.tensor.Parallel.setThreads(2);
            code = new CommandLine(new Elixr()).execute("demo", "--quick", "--out", dir.toString());
        } finally {
            System.setOut(oldOut);
            dev.elixr.tensor.Parallel.setThreads(threads);
        }
        table = out.toString(StandardCharsets.UTF_8);
        System.out.print(table);
    }

    @Test void quickDemoWritesTheReportAndAllMetrics() throws Exception {
        assertEquals(0, code);
        assertTrue(table.contains("zero-shot, 13 findings"), table);
        assertTrue(table.contains("mean NDCG@5"), table);
        assertTrue(table.contains("./elixr serve --run " + dir.resolve("run")), table);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("Zero-shot classification") && html.contains("Semantic search") && html.contains("Data-efficient"));
        assertTrue(html.contains("data:image/png;base64,"));
        var m = new ObjectMapper();
        var zs = m.readTree(dir.resolve("run/eval/zero-shot/metrics.json").toFile());
        assertEquals(13, zs.get("per_finding").size());
        double auc = zs.get("mean_auc").asDouble();
        assertTrue(auc > 0 && auc <= 1, "mean AUC " + auc);
        var ss = m.readTree(dir.resolve("run/eval/search/metrics.json").toFile());
        assertEquals(19, ss.get("queries").asInt());
        var de = m.readTree(dir.resolve("run/eval/data-efficient/metrics.json").toFile());
        assertTrue(de.at("/results/elixr-c/logistic/0.1/mean_auc").isNumber());
        assertTrue(de.at("/results/supervised-baseline/mlp/1.0/mean_auc").isNumber());
        assertTrue(Files.readString(dir.resolve("run/eval/search/results.csv")).startsWith("query,rank,dicom_id,score,relevance"));
        assertTrue(Files.exists(dir.resolve("run/run.json")));
        for (String task : new String[] {"zero-shot", "data-efficient", "search"}) {
            var manifest = m.readTree(dir.resolve("run/eval/" + task + "/manifest.json").toFile());
            assertEquals(task, manifest.get("task").asText());
            assertTrue(manifest.at("/splits/test").size() > 0, task);
            assertTrue(m.readTree(dir.resolve("run/eval/" + task + "/eval.json").toFile()).get("command").asText()
                    .startsWith("elixr demo --quick --out "), task);
        }
        // the quick plan: 1 repeat at 10%, and 100%
        assertEquals(2, m.readTree(dir.resolve("run/eval/data-efficient/manifest.json").toFile()).at("/probe_subsets/subsets").size());
    }

    @Test void quickDemoTrainsElixrBAfterElixrCAndReportsBothSideBySide() throws Exception {
        assertEquals(0, code);
        assertTrue(table.contains("ELIXR-B zero-shot, 13 findings") && table.contains("ELIXR-B semantic search")
                && table.contains("ITM re-ranks top 16"), table);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("ELIXR-B stage 1 beside ELIXR-C") && html.contains("ELIXR-B + ITM NDCG@5"), "ELIXR-B section in the report");
        var m = new ObjectMapper();
        assertTrue(Files.exists(dir.resolve("run-b/model.safetensors")));
        assertTrue(m.readTree(dir.resolve("run-b/run.json").toFile()).toString().contains("elixr-b"));
        var ss = m.readTree(dir.resolve("run-b/eval/search/metrics.json").toFile());
        assertEquals(19, ss.get("queries").asInt());
        assertEquals(16, ss.at("/itm_rerank/candidates").asInt());
        assertTrue(m.readTree(dir.resolve("run-b/eval/data-efficient/metrics.json").toFile()).at("/results/elixr-b/logistic/0.1/mean_auc").isNumber());
        assertEquals("elixr-b", m.readTree(dir.resolve("run-b/eval/zero-shot/eval.json").toFile()).get("evaluated_model").asText());
        assertTrue(table.contains("mean AUC, mean-query") && Files.exists(dir.resolve("run-b/eval/zero-shot-mean-queries/metrics.json")), table);
        String settings = Files.readString(dir.resolve("run-b/training.json"));
        assertTrue(settings.contains("\"--impression-only\" : \"0.5\"") && settings.contains("\"--sentence-sampling\" : \"0.5\""),
                "stage 1 draws its texts as ELIXR-C's objective does: " + settings);
        assertFalse(Files.readString(dir.resolve("run/demo-plan.json")).contains("stageOne"),
                "the ELIXR-C run's plan marker leaves ELIXR-B's plan out, so changing it does not retrain ELIXR-C");
    }

    @Test void quickDemoTrainsStageTwoWithItsLmTrainedBesideAndReportsEachLanguageTaskBesideItsTextOnlyBaseline() throws Exception {
        assertEquals(0, code);
        for (String task : new String[] {"vqa", "report-qa", "impression"})
            assertTrue(table.lines().anyMatch(l -> l.startsWith("ELIXR-B " + task + ", ") && l.contains("(text-only baseline ")), task + " row in\n" + table);
        var m = new ObjectMapper();
        assertTrue(Files.exists(dir.resolve("lm/model.safetensors")) && Files.exists(dir.resolve("lm/tokenizer.json")), "the instruction LM");
        assertTrue(m.readTree(dir.resolve("lm/run.json").toFile()).toString().contains("presence questions"), "the LM read the instruction corpus");
        assertTrue(Files.readString(dir.resolve("lm.log")).contains("train lm ["), "the LM trained beside, its progress in lm.log");
        assertTrue(table.contains("(its LM trained beside the parts above, "), table);
        assertTrue(Files.exists(dir.resolve("run-b2/model.safetensors")), "the stage-2 run");
        for (String task : new String[] {"vqa", "report-qa-combined", "impression"}) {
            var metrics = m.readTree(dir.resolve("run-b2/eval/" + task + "/metrics.json").toFile());
            assertTrue(metrics.get("items").asInt() > 0, task);
            assertTrue(metrics.has("image") && metrics.has("text_only_baseline"), task);
            assertTrue(Files.readString(dir.resolve("run-b2/eval/" + task + "/eval.json")).contains("elixr demo --quick"), task);
        }
        assertTrue(m.readTree(dir.resolve("run-b2/eval/report-qa-combined/metrics.json").toFile()).has("model"),
                "the demo checks reports by the combined method and records its fitted regression");
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("ELIXR-B stage 2: visual question answering, report QA, impressions"), "stage-2 section");
        assertTrue(html.contains("<div>question: ") && html.contains("<div>truth: ") && html.contains("<div>injected error: ")
                && html.contains("<div>verdict: ") && html.contains("<div>reference: "), "examples of each task");
        String section = html.substring(html.indexOf("ELIXR-B stage 2:"));
        assertTrue(section.contains("data:image/png;base64,"), "the examples show their images");
    }

    /** Scores are written in shortest round-trip form, so recomputing from the CSV gives the metrics.json figures exactly. */
    @Test void everyMetricRecomputesExactlyFromThePerItemScoreFiles() throws Exception {
        assertEquals(0, code);
        var m = new ObjectMapper();
        Path eval = dir.resolve("run/eval");

        var zs = m.readTree(eval.resolve("zero-shot/metrics.json").toFile());
        Csv zsCsv = Csv.read(eval.resolve("zero-shot/scores.csv"));
        var zsRows = group(zsCsv, "finding");
        double sum = 0;
        int defined = 0;
        for (var e : zsRows.entrySet()) {
            double auc = RocAuc.auc(column(zsCsv, e.getValue(), "label"), column(zsCsv, e.getValue(), "score"));
            var expected = zs.at("/per_finding/" + e.getKey() + "/auc");
            if (expected.isNull()) { assertTrue(Double.isNaN(auc), e.getKey()); continue; }
            assertEquals(expected.asDouble(), auc, 0.0, "zero-shot AUC of " + e.getKey());
            sum += auc;
            defined++;
        }
        assertTrue(defined > 0);
        assertEquals(zs.get("mean_auc").asDouble(), sum / defined, 0.0, "zero-shot mean AUC");

        var de = m.readTree(eval.resolve("data-efficient/metrics.json").toFile());
        Csv deCsv = Csv.read(eval.resolve("data-efficient/scores.csv"));
        var deRows = group(deCsv, "encoder", "probe", "fraction", "repeat", "finding");
        assertTrue(deRows.size() >= 4 * 5, "data-efficient groups " + deRows.keySet());
        for (var e : deRows.entrySet()) {
            String[] k = e.getKey().split("\u0000");
            assertEquals("0", k[3], "the quick plan has one repeat per fraction");
            double auc = RocAuc.auc(column(deCsv, e.getValue(), "label"), column(deCsv, e.getValue(), "score"));
            assertEquals(de.at("/results/" + k[0] + "/" + k[1] + "/" + k[2] + "/per_finding/" + k[4] + "/auc").asDouble(), auc, 0.0,
                    "data-efficient AUC of " + e.getKey().replace('\u0000', ' '));
        }

        var ss = m.readTree(eval.resolve("search/metrics.json").toFile());
        Csv ssCsv = Csv.read(eval.resolve("search/scores.csv"));
        var ssRows = group(ssCsv, "query");
        int k = ss.get("k").asInt();
        assertEquals(ss.get("queries").asInt(), ssRows.size());
        for (var q : ss.get("per_query")) {
            List<Integer> rows = ssRows.get(q.get("query").asText());
            double[] rel = column(ssCsv, rows, "relevance"), score = column(ssCsv, rows, "score");
            assertEquals(q.get("ndcg_at_k").asDouble(), Ndcg.atK(rel, score, k), 0.0, "NDCG@k of " + q.get("query"));
            assertEquals(q.get("precision_at_k").asDouble(), PrecisionAtK.atK(rel, score, k), 0.0, "P@k of " + q.get("query"));
        }
    }

    /** Row indices grouped by the values of some columns, in file order. */
    static Map<String, List<Integer>> group(Csv csv, String... columns) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (int r = 0; r < csv.size(); r++) {
            StringBuilder key = new StringBuilder();
            for (String c : columns) key.append(key.isEmpty() ? "" : "\u0000").append(csv.get(r, c));
            out.computeIfAbsent(key.toString(), x -> new ArrayList<>()).add(r);
        }
        return out;
    }

    static double[] column(Csv csv, List<Integer> rows, String column) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(csv.get(rows.get(i), column));
        return v;
    }
}
