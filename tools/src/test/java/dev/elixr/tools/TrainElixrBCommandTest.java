package dev.elixr.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** `elixr train elixr-b --stage 1` trains on an ELIXR-C run from the command line; stage 2 without its inputs is refused naming them. */
class TrainElixrBCommandTest {
    @TempDir Path tmp;

    @Test void stageOneTrainsOnAnElixrCRunAndStageTwoWithoutItsInputsIsRefused() throws Exception {
        Path data = tmp.resolve("data"), runC = tmp.resolve("run-c"), runB = tmp.resolve("run-b");
        assertEquals(0, new CommandLine(new Elixr()).execute("data", "synth", "--out", data.toString(), "--studies", "24",
                "--seed", "3", "--size", "32", "--no-progress"));
        assertEquals(0, new CommandLine(new Elixr()).execute("train", "elixr-c", "--data", data.toString(), "--out", runC.toString(),
                "--image-size", "32", "--batch", "8", "--epochs", "1"));
        int code = new CommandLine(new Elixr()).execute("train", "elixr-b", "--stage", "1", "--image-run", runC.toString(),
                "--data", data.toString(), "--out", runB.toString(), "--batch", "4", "--epochs", "1", "--stop-after", "2");
        assertEquals(0, code);
        assertTrue(Files.readString(runB.resolve("run.json")).contains("\"model\" : \"elixr-b\""));
        assertTrue(Files.exists(runB.resolve("features-train.safetensors")));
        assertTrue(Files.readString(runB.resolve("training.json")).contains("\"--impression-only\" : \"0.0\""), "the CLI default: full reports");
        assertTrue(Files.readString(runB.resolve("training.json")).contains("\"--itc-centre-queries\" : \"false\""), "the CLI default: BLIP-2's ITC");
        Path sampled = tmp.resolve("run-b-sampled");
        assertEquals(0, new CommandLine(new Elixr()).execute("train", "elixr-b", "--stage", "1", "--image-run", runC.toString(),
                "--data", data.toString(), "--out", sampled.toString(), "--batch", "4", "--epochs", "1", "--stop-after", "2",
                "--impression-only", "0.5", "--sentence-sampling", "0.25", "--itc-centre-queries", "--itc-query-pooling", "log-sum-exp"));
        String settings = Files.readString(sampled.resolve("training.json"));
        assertTrue(settings.contains("\"--impression-only\" : \"0.5\"") && settings.contains("\"--sentence-sampling\" : \"0.25\"")
                && settings.contains("\"--itc-centre-queries\" : \"true\"") && settings.contains("\"--itc-query-pooling\" : \"log-sum-exp\""), settings);
        assertTrue(Files.readString(runB.resolve("training.json")).contains("\"--itc-query-pooling\" : \"max\""), "the CLI default: BLIP-2's max");
        StringWriter pooling = new StringWriter();
        assertNotEquals(0, new CommandLine(new Elixr()).setErr(new PrintWriter(pooling)).execute("train", "elixr-b", "--stage", "1",
                "--image-run", runC.toString(), "--data", data.toString(), "--out", tmp.resolve("run-b-mean").toString(), "--itc-query-pooling", "mean"));
        assertTrue(pooling.toString().contains("--itc-query-pooling 'mean': expected max or log-sum-exp"), pooling.toString());
        StringWriter repeats = new StringWriter();
        assertNotEquals(0, new CommandLine(new Elixr()).setErr(new PrintWriter(repeats)).execute("train", "elixr-b", "--stage", "1",
                "--image-run", runC.toString(), "--data", data.toString(), "--out", tmp.resolve("run-b-repeats").toString(), "--vqa-repeats", "laterality=3"));
        assertTrue(repeats.toString().contains("--vqa-repeats is for --stage 2"), repeats.toString());
        StringWriter zs = new StringWriter();
        var eval = new CommandLine(new Elixr()).setErr(new PrintWriter(zs));
        assertNotEquals(0, eval.execute("eval", "zero-shot", "--run", runC.toString(), "--data", data.toString(), "--query-scoring", "mean"));
        assertTrue(zs.toString().contains("--query-scoring mean") && zs.toString().contains("ELIXR-C run"), zs.toString());
        StringWriter err = new StringWriter();
        var cli = new CommandLine(new Elixr()).setErr(new PrintWriter(err));
        assertNotEquals(0, cli.execute("train", "elixr-b", "--stage", "2", "--image-run", runC.toString(), "--data", data.toString(),
                "--out", tmp.resolve("run-b2").toString()));
        assertTrue(err.toString().contains("--stage 2 needs --stage1-run RUN_B and --llm"), err.toString());
        StringWriter err2 = new StringWriter();
        assertNotEquals(0, new CommandLine(new Elixr()).setErr(new PrintWriter(err2)).execute("train", "elixr-b", "--stage", "2",
                "--stage1-run", runB.toString(), "--llm", runB.toString(), "--data", data.toString(), "--out", tmp.resolve("run-b2").toString(),
                "--impression-only", "0.5"));
        assertTrue(err2.toString().contains("--impression-only and --sentence-sampling are for --stage 1"), err2.toString());
        StringWriter err3 = new StringWriter();
        assertNotEquals(0, new CommandLine(new Elixr()).setErr(new PrintWriter(err3)).execute("train", "elixr-b", "--stage", "2",
                "--stage1-run", runB.toString(), "--llm", runB.toString(), "--data", data.toString(), "--out", tmp.resolve("run-b2").toString(),
                "--itc-centre-queries"));
        assertTrue(err3.toString().contains("--itc-centre-queries and --itc-queries are for --stage 1"), err3.toString());
    }
}
