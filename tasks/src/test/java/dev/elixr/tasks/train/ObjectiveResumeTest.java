package dev.elixr.tasks.train;

import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.models.elixr.DuplicatePolicy;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The duplicate-aware objective with sentence sampling and a negative queue: the queue is part of the checkpoint, the
 * sampled texts are a function of (seed, step), so a run stopped and resumed ends bitwise where a straight run ends.
 */
class ObjectiveResumeTest {
    @TempDir static Path tmp;
    static Path data;
    static final ContrastiveObjective OBJECTIVE = new ContrastiveObjective(DuplicatePolicy.MASK, DuplicateKey.TEXT, 12, 0.5);

    @BeforeAll static void makeData() throws Exception {
        data = tmp.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(48, 3).withSize(32).withProgress(false));
    }

    static ContrastiveTraining.Outcome train(Path out, ContrastiveObjective objective, boolean resume, long stopAfter) throws Exception {
        var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(2, 8, true),
                new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0), objective,
                new ContrastiveTraining.Session(5, resume, 2, stopAfter));
        var model = ContrastiveTrainingTest.ElixrCConfigHolder.get(out, data);
        return ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, out, model, cfg), "test",
                new PrintStream(new ByteArrayOutputStream()));
    }

    static Checkpoint last(Path run) throws Exception {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            Path p = s.filter(f -> f.getFileName().toString().endsWith(".ckpt")).sorted().reduce((a, b) -> b).orElseThrow();
            return Checkpoint.load(p);
        }
    }

    @Test void stoppedAndResumedRunEndsBitwiseLikeAStraightOne() throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        var a = train(straight, OBJECTIVE, false, 0);
        assertEquals(a.totalSteps(), a.steps());
        assertEquals(3, train(resumed, OBJECTIVE, false, 3).steps());
        var b = train(resumed, OBJECTIVE, true, 0);
        assertEquals(2, b.resumedFrom(), "the last checkpoint before the stop was at step 2");
        Checkpoint x = last(straight), y = last(resumed);
        assertEquals(x.step(), y.step());
        ContrastiveTrainingTest.assertSameTensors(x.model(), y.model());
        ContrastiveTrainingTest.assertSameTensors(x.state(), y.state());
        Tensor queued = x.state().get("queue.images");
        assertEquals(12, queued.size(0), "the queue filled up to its capacity");
    }

    @Test void theObjectiveChangesTraining() throws Exception {
        var plain = train(tmp.resolve("plain"), ContrastiveObjective.plain(), false, 3);
        var other = train(tmp.resolve("objective"), OBJECTIVE, false, 3);
        Map<String, Tensor> p = last(tmp.resolve("plain")).model(), o = last(tmp.resolve("objective")).model();
        assertNotEquals(plain.history().steps().get(2).loss(), other.history().steps().get(2).loss());
        assertFalse(Arrays.equals(p.get("logit_scale").toFloatArray(), o.get("logit_scale").toFloatArray())
                && Arrays.equals(p.get("image_projection.weight").toFloatArray(), o.get("image_projection.weight").toFloatArray()));
        assertTrue(last(tmp.resolve("plain")).state().isEmpty(), "plain CLIP keeps no queue");
    }
}
