package dev.elixr.tools;

import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ELIXR-B stage 2 from the command line on a tiny synthetic set: {@code train elixr-b --stage 2} on a stage-1 run and a
 * random Llama (the byte-level test tokenizer), then {@code ask}, {@code describe}, {@code check-report} and
 * {@code eval vqa|report-qa|impression}, and their refusals of a missing run, a missing or undecodable image and a missing report.
 */
class LanguageCommandsTest {
    private static final Path TOKENIZER = Path.of("..", "models", "src", "test", "resources", "fixtures", "llm", "tokenizers", "byte_level", "tokenizer.json");
    @TempDir static Path tmp;
    static Path data, runB2, image;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Elixr.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static void ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
    }

    @BeforeAll
    static void trainStageTwo() throws Exception {
        data = tmp.resolve("data");
        Path runC = tmp.resolve("run-c"), runB = tmp.resolve("run-b"), llm = tmp.resolve("llm");
        runB2 = tmp.resolve("run-b2");
        ok("data", "synth", "--out", data.toString(), "--studies", "24", "--seed", "3", "--size", "32", "--no-progress");
        ok("train", "elixr-c", "--data", data.toString(), "--out", runC.toString(), "--image-size", "32", "--batch", "8", "--epochs", "1");
        ok("train", "elixr-b", "--stage", "1", "--image-run", runC.toString(), "--data", data.toString(), "--out", runB.toString(),
                "--batch", "4", "--epochs", "1", "--width", "16", "--layers", "1", "--heads", "2", "--queries", "4", "--projection", "8");
        var c = new LlamaConfig("llama", 367, 32, 64, 1, 4, 2, 8, 1e-5f, 10000, null, false, false, false, true, 512, 0, 364, new int[] {365});
        LlamaModel.random(c, 5).save(llm);
        Files.copy(TOKENIZER, llm.resolve("tokenizer.json"));
        ok("train", "elixr-b", "--stage", "2", "--stage1-run", runB.toString(), "--llm", llm.toString(), "--data", data.toString(),
                "--out", runB2.toString(), "--steps", "2", "--batch", "2", "--validation-items", "2");
        try (var files = Files.walk(data.resolve("files"))) {
            image = files.filter(p -> p.toString().endsWith(".png") || p.toString().endsWith(".jpg")).findFirst().orElseThrow();
        }
    }

    @Test
    void askDescribeAndCheckReportPrintTheirAnswers() throws Exception {
        Result a = run("ask", "--run", runB2.toString(), "--image", image.toString(), "--question", "Is there a pneumothorax?", "--max-new-tokens", "4");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().endsWith("\n"));
        assertEquals(0, run("describe", "--run", runB2.toString(), "--image", image.toString(), "--max-new-tokens", "4").code());
        Path report = tmp.resolve("report.txt");
        Files.writeString(report, "FINDINGS: Lungs are clear. IMPRESSION: No acute cardiopulmonary process.");
        Result c = run("check-report", "--run", runB2.toString(), "--image", image.toString(), "--report", report.toString(), "--max-new-tokens", "4");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("verdict: "), c.out());
    }

    @Test
    void evalVqaReportQaAndImpressionWriteTheirMetrics() {
        for (String task : new String[] {"vqa", "report-qa", "impression"}) {
            Result r = run("eval", task, "--run", runB2.toString(), "--data", data.toString(), "--limit", "3", "--max-new-tokens", "3");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("text_only_baseline"), r.out());
            assertTrue(Files.exists(runB2.resolve("eval").resolve(task).resolve("metrics.json")));
        }
    }

    @Test
    void evalImpressionReadsAnIuXrayLayoutAndEvalVqaRefusesADataSetWithoutVqaJsonl() throws Exception {
        Path iu = tmp.resolve("data-iu");
        ok("data", "synth", "--out", iu.toString(), "--studies", "16", "--seed", "4", "--size", "32", "--layout", "iu-xray", "--no-progress");
        Result r = run("eval", "impression", "--run", runB2.toString(), "--data", iu.toString(), "--dataset", "iu-xray", "--limit", "2",
                "--max-new-tokens", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(runB2.resolve("eval").resolve("impression").resolve("eval.json")).contains("\"iu-xray\""));
        Files.delete(iu.resolve("vqa.jsonl"));
        Result v = run("eval", "vqa", "--run", runB2.toString(), "--data", iu.toString(), "--dataset", "iu-xray");
        assertNotEquals(0, v.code());
        assertTrue(v.err().contains("vqa.jsonl") && v.err().contains("iu-xray"), v.err());
    }

    @Test
    void aMissingRunIsRefusedNamingTheFileAndTheCommandThatMakesOne() {
        Result r = run("ask", "--run", tmp.resolve("no-such-run").toString(), "--image", image.toString(), "--question", "Is it normal?");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("no-such-run") && r.err().contains("elixr train elixr-b --stage 2"), r.err());
    }

    @Test
    void aMissingOrUndecodableImageIsRefusedNamingTheFile() throws Exception {
        Result missing = run("describe", "--run", runB2.toString(), "--image", tmp.resolve("none.png").toString());
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("cannot read image") && missing.err().contains("none.png"), missing.err());
        Path bad = tmp.resolve("bad.png");
        Files.writeString(bad, "this is not a PNG");
        Result r = run("ask", "--run", runB2.toString(), "--image", bad.toString(), "--question", "Is it normal?");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("cannot read image") && r.err().contains("bad.png"), r.err());
        assertFalse(r.err().contains("Exception"), "a message, not a stack trace: " + r.err());
    }

    @Test
    void checkReportRefusesAMissingOrEmptyReport() throws Exception {
        Result r = run("check-report", "--run", runB2.toString(), "--image", image.toString(), "--report", tmp.resolve("none.txt").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("none.txt"), r.err());
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "  \n");
        Result e = run("check-report", "--run", runB2.toString(), "--image", image.toString(), "--report", empty.toString());
        assertNotEquals(0, e.code());
        assertTrue(e.err().contains("the report is empty"), e.err());
    }

    @Test
    void reportQaByQuestionsFitsThresholdsOnValidationThatCheckReportThenUses() throws Exception {
        Path report = tmp.resolve("report-q.txt");
        Files.writeString(report, "FINDINGS: Small left pleural effusion. IMPRESSION: Small left pleural effusion.");
        Result before = run("check-report", "--method", "questions", "--run", runB2.toString(), "--image", image.toString(), "--report", report.toString());
        assertNotEquals(0, before.code());
        assertTrue(before.err().contains("eval report-qa --method questions"), before.err());
        Path more = tmp.resolve("data-q");
        ok("data", "synth", "--out", more.toString(), "--studies", "80", "--seed", "5", "--size", "32", "--no-progress");
        Result r = run("eval", "report-qa", "--method", "questions", "--run", runB2.toString(), "--data", more.toString(), "--limit", "3", "--fit-limit", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"method\" : \"questions\"") && r.out().contains("thresholds") && r.out().contains("text_only_baseline"), r.out());
        Path dir = runB2.resolve("eval").resolve("report-qa-questions");
        assertTrue(Files.readString(dir.resolve("eval.json")).contains("\"fit_split\""));
        assertTrue(Files.readString(dir.resolve("questions.csv")).startsWith("dicom_id,truth_error,question_error"));
        Result c = run("check-report", "--method", "questions", "--run", runB2.toString(), "--image", image.toString(), "--report", report.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("On which side is the pleural effusion?") && c.out().contains("How large is the pleural effusion?")
                && c.out().contains("verdict: "), c.out());
    }

    @Test
    void reportQaCombinedFitsARegressionOnValidationThatCheckReportThenUses() throws Exception {
        Path report = tmp.resolve("report-c.txt");
        Files.writeString(report, "FINDINGS: Small left pleural effusion. IMPRESSION: Small left pleural effusion.");
        Result before = run("check-report", "--method", "combined", "--run", runB2.toString(), "--image", image.toString(), "--report", report.toString());
        assertNotEquals(0, before.code());
        assertTrue(before.err().contains("eval report-qa --method combined"), before.err());
        Path more = tmp.resolve("data-c");
        ok("data", "synth", "--out", more.toString(), "--studies", "80", "--seed", "6", "--size", "32", "--no-progress");
        Result r = run("eval", "report-qa", "--method", "combined", "--run", runB2.toString(), "--data", more.toString(), "--limit", "3", "--fit-limit", "6");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"method\" : \"combined\"") && r.out().contains("weights_then_bias") && r.out().contains("text_only_baseline"), r.out());
        Path dir = runB2.resolve("eval").resolve("report-qa-combined");
        assertTrue(Files.readString(dir.resolve("eval.json")).contains("\"fit_split\""));
        assertTrue(Files.readString(dir.resolve("features.csv")).startsWith("dicom_id,truth_error,questions_max_omission"));
        assertTrue(Files.readString(dir.resolve("fit-features.csv")).contains("baseline_verdict_log_prob_severity"));
        Result c = run("check-report", "--method", "combined", "--run", runB2.toString(), "--image", image.toString(), "--report", report.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("On which side is the pleural effusion?") && c.out().contains("one-call verdict \"correct\"")
                && c.out().contains("verdict: "), c.out());
    }
}
