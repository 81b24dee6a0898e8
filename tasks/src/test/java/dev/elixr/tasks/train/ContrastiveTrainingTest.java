package dev.elixr.tasks.train;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.models.elixr.ElixrCConfig;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.ImagePipeline;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Training end to end on a tiny synthetic set: checkpoints, run files, and bitwise-identical resume (also after kill -9). */
class ContrastiveTrainingTest {
    @TempDir static Path tmp;
    static Path data;

    @BeforeAll static void makeData() throws Exception {
        data = tmp.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(48, 3).withSize(32).withProgress(false));
    }

    static ElixrCConfig tiny(int vocab) {
        return new ElixrCConfig(new ElixrCConfig.Image("conv", ImagePreprocessing.standard(32), new int[] {4, 8}, 1, 16),
                ElixrCConfig.Text.bertSmall(vocab, 16, 1, 2, 32, 48), 8, new ElixrCConfig.Temperature(0.07f, 0.01f));
    }

    static ContrastiveTraining.Outcome train(Path out, boolean resume, long stopAfter) throws Exception {
        return train(data, out, resume, stopAfter, 2, new PrintStream(new ByteArrayOutputStream()));
    }

    /** The tiny run every test trains (also {@link TrainingChild}, in another JVM). */
    static ContrastiveTraining.Outcome train(Path data, Path out, boolean resume, long stopAfter, int checkpointEvery,
                                             PrintStream log) throws Exception {
        var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(2, 8, true),
                new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0), null,
                new ContrastiveTraining.Session(5, resume, checkpointEvery, stopAfter));
        // the vocabulary size is only known after building it: train once with a spec, reuse it on resume
        var model = ElixrCConfigHolder.get(out, data);
        return ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, out, model, cfg), "test", log);
    }

    /** Builds the tiny config for the vocabulary the trainer will build from this data. */
    static final class ElixrCConfigHolder {
        static ElixrCConfig get(Path out, Path data) throws Exception {
            var studies = MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("train"))
                    .map(s -> ReportText.findingsAndImpression(s.report())).toList();
            return tiny(ReportVocabulary.build(studies, 1).size());
        }
    }

    /** The uninterrupted run the others are compared with (trained once, by whichever test needs it first). */
    static synchronized Path straightRun() throws Exception {
        Path straight = tmp.resolve("straight");
        if (!Files.exists(straight.resolve(ElixrCRun.WEIGHTS))) {
            var a = train(straight, false, 0);
            assertEquals(a.totalSteps(), a.steps());
        }
        return straight;
    }

    static void assertSameTensors(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet())
            assertArrayEquals(a.get(k).contiguous().toFloatArray(), b.get(k).contiguous().toFloatArray(), 0f, k);
    }

    /** The final checkpoints of two runs are the same file byte for byte (weights, optimizer state, step, curves). */
    static void assertSameFinalCheckpoint(Path runA, Path runB) throws Exception {
        Path fa = new Checkpoints(runA, 2).list().getLast(), fb = new Checkpoints(runB, 2).list().getLast();
        assertEquals(fa.getFileName(), fb.getFileName());
        Checkpoint ca = Checkpoint.load(fa), cb = Checkpoint.load(fb);
        assertSameTensors(ca.model(), cb.model());
        assertSameTensors(ca.optimizer().tensors(), cb.optimizer().tensors());
        assertEquals(ca.extra(), cb.extra());
        assertArrayEquals(Files.readAllBytes(fa), Files.readAllBytes(fb), "checkpoint files " + fa + " and " + fb);
        assertArrayEquals(Files.readAllBytes(runA.resolve(ElixrCRun.WEIGHTS)), Files.readAllBytes(runB.resolve(ElixrCRun.WEIGHTS)));
        assertEquals(Files.readString(runA.resolve(ElixrCRun.HISTORY)), Files.readString(runB.resolve(ElixrCRun.HISTORY)));
    }

    /**
     * A run "killed" after step 3 (last checkpoint at step 2, a torn newer checkpoint and a stray temporary file left
     * behind) and resumed with fresh objects ends with bitwise the same final checkpoint as an uninterrupted run: every
     * step is a pure function of (seed, step, restored state) and the kernels round identically in every JIT tier
     * (tensor-core's TierDeterminismTest), so there is no tolerance here.
     */
    @Test void killedAndResumedRunEndsLikeAnUninterruptedOne() throws Exception {
        Path straight = straightRun(), resumed = tmp.resolve("resumed");
        var partial = train(resumed, false, 3);
        assertEquals(3, partial.steps());
        Files.write(resumed.resolve("checkpoints/step-000000004.ckpt"), new byte[] {1, 2, 3});
        Files.write(resumed.resolve("checkpoints/step-000000004.ckpt.123.tmp"), new byte[] {1, 2, 3});
        var b = train(resumed, true, 0);
        assertEquals(2, b.resumedFrom());
        assertEquals(b.totalSteps(), b.steps());
        assertSameFinalCheckpoint(straight, resumed);
        assertEquals(List.of(), new Checkpoints(resumed, 2).strayTemporaries());
        for (String f : new String[] {"run.json", "model.safetensors", "vocab.txt", "elixr-c.json", "history.json"})
            assertTrue(Files.exists(resumed.resolve(f)), f);
        assertTrue(Files.readString(resumed.resolve("run.json")).contains("\"resumed_from_step\" : 2"));
    }

    /**
     * A real {@code kill -9}: a child JVM (C1 only) trains with a checkpoint every step and is killed (SIGKILL, destroyForcibly)
     * while it writes the checkpoint of step 3 (a test hook in {@link Checkpoint} stops that write half-way and signals
     * through a file). The run resumed from step 2 ends with bitwise the same final checkpoint as the uninterrupted run.
     */
    @Test void runKilledWhileWritingACheckpointResumesBitwise() throws Exception {
        Path killed = tmp.resolve("killed"), marker = tmp.resolve("killed.marker"), log = tmp.resolve("killed.log");
        Process child = TrainingChild.start(data, killed, 3, marker, log);
        Path straight;
        try {
            straight = straightRun(); // while the child starts
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(marker)) {
                if (!child.isAlive()) fail("the child JVM exited (" + child.exitValue() + ") before writing step 3: " + Files.readString(log));
                if (System.nanoTime() > deadline) fail("the child JVM did not reach the checkpoint write of step 3 within 60 s");
                Thread.sleep(20);
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child JVM did not end");
        } finally {
            child.destroyForcibly();
        }
        Checkpoints ck = new Checkpoints(killed, 2);
        assertEquals(List.of("step-000000001.ckpt", "step-000000002.ckpt"), ck.list().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(1, ck.strayTemporaries().size(), "the torn temporary file of step 3");
        var b = train(killed, true, 0);
        assertEquals(2, b.resumedFrom());
        assertEquals(b.totalSteps(), b.steps());
        assertSameFinalCheckpoint(straight, killed);
        assertEquals(List.of(), ck.strayTemporaries());
    }

    /** What a resume restores is bitwise what was saved: model, buffers, optimizer state, step, curves. */
    @Test void checkpointRoundTripIsBitwise() throws Exception {
        Path out = tmp.resolve("roundtrip");
        train(out, false, 3);
        Checkpoint saved = new Checkpoints(out, 2).latest(System.err);
        Checkpoint heap = ContrastiveTraining.onHeap(saved);
        var cfg = ElixrCRun.readConfig(out);
        var model = new ElixrC(cfg, new SplitMix64(99));
        var opt = new AdamW(ParamGroup.decayAndNoDecay(model, 0.1), 1e-3, 0.9, 0.98, 1e-6);
        heap.restore(model, opt);
        assertSameTensors(saved.model(), model.stateDict());
        assertSameTensors(saved.optimizer().tensors(), opt.state().tensors());
        assertEquals(saved.optimizer().steps(), opt.steps());
        assertEquals(2, saved.step());
        assertEquals(2, ContrastiveTraining.readHistory(saved).steps().size());
    }

    /** What it asserts is in its name; that training lowers the loss is ElixrCLearnsTest's (tools). */
    @Test void aFinishedRunRecordsItsStepsAndEmbedsWithItsOwnPreprocessing() throws Exception {
        Path out = straightRun();
        var h = ElixrCRun.load(out).history().steps();
        assertTrue(h.size() >= 4);
        ElixrCRun run = ElixrCRun.load(out);
        var bank = run.imagePipeline().load(MimicCxrJpg.read(data).subList(0, 5), System.err, "t");
        float[][] e = run.embedImages(bank);
        assertEquals(5, e.length);
        assertEquals(8, e[0].length);
        assertEquals(ImagePreprocessing.standard(32), run.imagePipeline().preprocessing(), "the run's saved preprocessing");
        var other = ImagePipeline.of(ImagePreprocessing.standard(16)).load(MimicCxrJpg.read(data).subList(0, 2), System.err, "t");
        var wrong = assertThrows(IllegalArgumentException.class, () -> run.embedImages(other));
        assertTrue(wrong.getMessage().contains("size=16") && wrong.getMessage().contains("size=32"), wrong.getMessage());
        float[][] t = run.embedTexts(List.of("No pleural effusion.", "Large left pleural effusion."));
        double n = 0;
        for (float v : t[1]) n += v * v;
        assertEquals(1.0, n, 1e-5);
        assertEquals(16, run.imageFeatures(bank)[0].length);
    }

    @Test void refusesToOverwriteARunWithoutResume() throws Exception {
        Path out = tmp.resolve("twice");
        train(out, false, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> train(out, false, 0));
        assertTrue(e.getMessage().contains("--resume"));
    }
}
