package dev.elixr.tasks.demo;

import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.MatMul;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's LM trained beside other work (the main thread multiplying matrices meanwhile) writes the same weights as
 * trained alone, its progress and log lines go to DIR/lm.log, its "elixr:" lines are repeated in the demo's log once
 * awaited, and no job stays declared afterwards.
 */
class LmBesideTest {
    @TempDir Path dir;

    @Test void theLmTrainedBesideOtherWorkHasTheSameWeightsAsTrainedAloneAndItsLogGoesToLmLog() throws Exception {
        Path data = dir.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(120, 3).withSize(32).withProgress(false));
        Files.writeString(data.resolve("demo-data.json"), "{\"test\":true}");
        LanguageDemo.Plan plan = LanguageDemo.Plan.quick();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        Path alone = dir.resolve("alone");
        LanguageDemo.ensureLm(data, alone.resolve("lm"), plan, 5, quiet, "test");

        Path beside = dir.resolve("beside");
        Files.createDirectories(beside);
        int open = Parallel.jobsBeside();
        ByteArrayOutputStream demoLog = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(demoLog, true, StandardCharsets.UTF_8);
        try (LmBeside lm = LmBeside.start(beside, data, plan, 5, log, "test")) {
            assertEquals(open + 2, Parallel.jobsBeside(), "the demo's main line and the LM's");
            Tensor a = Tensor.of(new float[128 * 128], 128, 128);
            int products = 0;
            while (!lm.done() || products < 10) {
                MatMul.matmul(a, a);
                products++;
            }
            lm.await(log);
        }
        assertEquals(open, Parallel.jobsBeside(), "both lines withdrawn");
        assertArrayEquals(Files.readAllBytes(alone.resolve("lm/model.safetensors")), Files.readAllBytes(beside.resolve("lm/model.safetensors")));
        String lmLog = Files.readString(beside.resolve("lm.log"));
        assertTrue(lmLog.contains("train lm [") && lmLog.contains("elixr: report LM"), lmLog);
        String shown = demoLog.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("elixr: report LM") && shown.contains("elixr: the instruction LM took"), shown);
        assertTrue(!shown.contains("train lm ["), "the LM's progress stays in lm.log: " + shown);
    }
}
