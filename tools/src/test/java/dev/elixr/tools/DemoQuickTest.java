package dev.elixr.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** `elixr demo --quick` end to end through the command line: data, training, three evaluations, report. */
class DemoQuickTest {
    @TempDir Path dir;

    @Test void quickDemoWritesTheReportAndAllMetrics() throws Exception {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Elixr()).execute("demo", "--quick", "--out", dir.toString());
        } finally {
            System.setOut(oldOut);
        }
        String table = out.toString(StandardCharsets.UTF_8);
        System.out.print(table);
        assertEquals(0, code);
        assertTrue(table.contains("zero-shot, 13 findings"), table);
        assertTrue(table.contains("mean NDCG@5"), table);
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
}
