package dev.elixr.tasks.train;

import dev.elixr.autograd.AnomalyMode;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.NonFiniteException;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.autograd.nn.Mlp;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.autograd.optim.GradClip;
import dev.elixr.autograd.optim.SGD;
import dev.elixr.models.elixr.ElixrC;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** NaN/Inf guards: an injected NaN is reported with its step and parameter or op, after a diagnostic checkpoint. */
class NumericalGuardTest {
    @TempDir static Path tmp;
    static Path data;

    @BeforeAll static void makeData() throws Exception {
        data = tmp.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(40, 7).withSize(32).withProgress(false));
    }

    // ------------------------------------------------------------------ a generic loop (how any trainer uses the guard)

    /** A custom op: the identity in forward, NaN for every gradient in backward (a stand-in for a broken backward). */
    static Var nanBackward(Var x) {
        return Var.result("nan-backward", x.value(), g -> new Tensor[] {Tensor.full(Float.NaN, g.shape())}, x);
    }

    /**
     * Trains a two-layer MLP on a fixed batch for 5 steps; at step k the injection runs (before the forward pass).
     * Returns the guard's exception, or null when all 5 steps ran.
     */
    static TrainingDivergedException loop(Path dir, int k, Consumer<Mlp> inject, boolean nanGrad) {
        Mlp mlp = new Mlp(3, 4, 1, Activation.TANH, new SplitMix64(3));
        var opt = new SGD(mlp.parameters(), 0.1, 0.0, 0.0);
        var guard = new NumericalGuard(mlp, opt, dir);
        Var x = Var.of(Tensor.of(new float[] {1, 2, 3, -1, 0, 1}, 2, 3));
        try {
            for (long step = 1; step <= 5; step++) {
                if (step == k) inject.accept(mlp);
                opt.zeroGrad();
                guard.beginStep(step);
                Var out = mlp.forward(x);
                Var loss = (nanGrad && step == k ? nanBackward(out) : out).square().meanAll();
                guard.checkLoss("mse", loss.item());
                loss.backward();
                guard.checkGradients("mse", GradClip.clipGlobalNorm(mlp.parameters(), 1.0));
                opt.step();
            }
            return null;
        } catch (TrainingDivergedException e) {
            return e;
        }
    }

    static void setNaN(Parameter p, int index) {
        float[] v = p.value().toFloatArray();
        v[index] = Float.NaN;
        p.assign(Tensor.of(v, p.shape()));
    }

    @Test void aParameterSetToNaNIsNamedWithItsStepAndLossTerm() throws Exception {
        Path dir = tmp.resolve("mlp-param");
        var e = loop(dir, 3, m -> { setNaN(m.namedParameters().get("fc2.weight"), 1); setNaN(m.namedParameters().get("fc1.bias"), 0); }, false);
        assertNotNull(e);
        assertEquals(3, e.step());
        assertTrue(e.getMessage().startsWith("train: stopped at step 3: loss term 'mse' is NaN. first non-finite parameter (registration order): "
                + "fc1.bias = NaN at [0] of [4] (1 of 4 non-finite); 2 of 4 parameters non-finite"), e.getMessage());
        assertEquals(dir.resolve("step-000000003.ckpt"), e.diagnostic());
        Checkpoint c = Checkpoint.load(e.diagnostic());
        assertEquals(2, c.step());
        assertEquals("3", c.extra().get("failed_step"));
        assertEquals(e.getMessage().substring(0, 60), c.extra().get("diagnosis").substring(0, 60));
        assertTrue(Float.isNaN(c.model().get("fc1.bias").toFloatArray()[0]));
    }

    @Test void aNaNGradientIsNamedAndWithAnomalyModeItsOp() throws Exception {
        var e = loop(tmp.resolve("mlp-grad"), 2, m -> {}, true);
        assertNotNull(e);
        assertEquals(2, e.step());
        String m = e.getMessage();
        assertTrue(m.startsWith("train: stopped at step 2: the gradient of loss term 'mse' is non-finite (global norm NaN). "
                + "first non-finite gradient (registration order): fc1.weight = NaN at [0,0] of [4,3] (12 of 12 non-finite); 4 of 4 gradients non-finite; "
                + "every parameter is finite, so an op's backward made it: resume from the last checkpoint with --detect-anomaly to name the op"), m);
        assertTrue(Files.exists(tmp.resolve("mlp-grad/step-000000002.grads.safetensors")));
        assertTrue(Float.isNaN(Safetensors.read(tmp.resolve("mlp-grad/step-000000002.grads.safetensors")).get("fc2.bias").item()));

        TrainingDivergedException a;
        try (var anomaly = AnomalyMode.detect()) {
            a = loop(tmp.resolve("mlp-grad-anomaly"), 2, mm -> {}, true);
        }
        assertNotNull(a);
        assertInstanceOf(NonFiniteException.class, a.getCause());
        assertTrue(a.getMessage().startsWith("train: stopped at step 2: anomaly: backward of op 'nan-backward' (NumericalGuardTest.nanBackward) "
                + "returned a non-finite gradient for input 0 [2,1]: NaN at [0,0]"), a.getMessage());
        assertTrue(a.getMessage().contains("the op was created at dev.elixr.tasks.train.NumericalGuardTest.loop"), a.getMessage());
        assertTrue(Files.exists(a.diagnostic()));
    }

    @Test void anomalyModeNamesTheForwardOpAndTheParameterItRead() {
        TrainingDivergedException e;
        try (var anomaly = AnomalyMode.detect()) {
            e = loop(tmp.resolve("mlp-anomaly"), 4, m -> setNaN(m.namedParameters().get("fc2.weight"), 2), false);
        }
        assertFalse(AnomalyMode.isEnabled());
        assertNotNull(e);
        assertEquals(4, e.step());
        assertTrue(e.getMessage().startsWith("train: stopped at step 4: anomaly: forward op 'linear' (MatMulFn.linear) produced NaN at [0,0] of [2,1]"), e.getMessage());
        assertTrue(e.getMessage().contains("its input 1 (a trainable leaf) was already non-finite: NaN at [0,2] of [1,4] (1 of 4 non-finite) (that input is parameter fc2.weight)"), e.getMessage());
    }

    /** An anomaly after the update (a validation pass) is reported as "after step N" with the updated state. */
    @Test void anAnomalyInValidationIsReportedAfterTheStep() throws Exception {
        Mlp mlp = new Mlp(3, 4, 1, Activation.TANH, new SplitMix64(3));
        var opt = new SGD(mlp.parameters(), 0.1, 0.0, 0.0);
        Var x = Var.of(Tensor.of(new float[] {1, 2, 3, -1, 0, 1}, 2, 3));
        Path dir = tmp.resolve("mlp-validation");
        TrainingDivergedException e;
        try (var anomaly = AnomalyMode.detect()) {
            var guard = new NumericalGuard(mlp, opt, dir);
            guard.beginStep(1);
            Var loss = mlp.forward(x).square().meanAll();
            guard.checkLoss("mse", loss.item());
            loss.backward();
            guard.checkGradients("mse", GradClip.clipGlobalNorm(mlp.parameters(), 1.0));
            opt.step();
            setNaN(mlp.namedParameters().get("fc1.weight"), 5);
            try (var g = GradMode.noGrad()) {
                e = assertThrows(TrainingDivergedException.class, () -> mlp.forward(x));
            }
        }
        assertTrue(e.getMessage().startsWith("train: stopped after step 1: anomaly: forward op 'linear'"), e.getMessage());
        assertTrue(e.getMessage().contains("(that input is parameter fc1.weight)"), e.getMessage());
        assertTrue(e.getMessage().contains("the state after this step's update"), e.getMessage());
        assertEquals(1, Checkpoint.load(e.diagnostic()).step());
    }

    @Test void aFiniteRunIsUntouched() {
        assertNull(loop(tmp.resolve("mlp-ok"), 99, m -> {}, false));
        assertFalse(Files.exists(tmp.resolve("mlp-ok")));
    }

    // ------------------------------------------------------------------ ELIXR-C end to end

    static ContrastiveTraining.Outcome train(Path out, boolean resume, long stopAfter, boolean detectAnomaly) throws Exception {
        var cfg = new ContrastiveTraining.Config(new ContrastiveTraining.Data(1, 8, true),
                new ContrastiveTraining.Optimisation(3e-3, 0.1, 0.2, 1.0), null,
                new ContrastiveTraining.Session(5, resume, 2, stopAfter));
        var model = ContrastiveTrainingTest.ElixrCConfigHolder.get(out, data);
        return ElixrCTrainingJob.run(ElixrCTrainingJob.Options.of(data, out, model, cfg).withAnomalyDetection(detectAnomaly), "test",
                new PrintStream(new ByteArrayOutputStream()));
    }

    /** Trains two steps, then writes NaN into two parameters of the resume checkpoint; returns their names in order. */
    static List<String> poisonedRun(Path run) throws Exception {
        train(run, false, 2, false);
        Path file = new Checkpoints(run, 2).list().getLast();
        Checkpoint c = Checkpoint.load(file);
        List<String> names = new ArrayList<>(new ElixrC(ElixrCRun.readConfig(run), new SplitMix64(0)).namedParameters().keySet());
        List<String> poisoned = List.of(names.get(3), names.get(names.size() - 4));
        Map<String, Tensor> model = new HashMap<>();
        c.model().forEach((k, v) -> model.put(k, Tensor.of(v.toFloatArray(), v.shape())));
        for (String p : poisoned) {
            float[] v = model.get(p).toFloatArray();
            v[v.length - 1] = Float.NaN;
            model.put(p, Tensor.of(v, model.get(p).shape()));
        }
        Checkpoint.save(file, new Checkpoint(model, c.optimizer(), c.step(), c.extra()));
        return poisoned;
    }

    static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) m.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return m;
    }

    @Test void elixrCStopsAtTheStepThatReadsANaNParameterAndLeavesTheResumeCheckpointsAlone() throws Exception {
        Path run = tmp.resolve("elixr-nan");
        List<String> poisoned = poisonedRun(run);
        Map<String, byte[]> before = files(run.resolve("checkpoints"));
        var e = assertThrows(TrainingDivergedException.class, () -> train(run, true, 0, false));
        assertEquals(3, e.step());
        assertTrue(e.getMessage().startsWith("train: stopped at step 3: loss term 'clip' is NaN. first non-finite parameter (registration order): "
                + poisoned.get(0) + " = NaN at "), e.getMessage());
        assertTrue(e.getMessage().contains("; 2 of "), e.getMessage());
        Path diag = run.resolve("diagnostics/step-000000003.ckpt");
        assertEquals(diag, e.diagnostic());
        Checkpoint d = Checkpoint.load(diag);
        assertEquals(2, d.step());
        float[] v = d.model().get(poisoned.get(1)).toFloatArray();
        assertTrue(Float.isNaN(v[v.length - 1]));
        Map<String, byte[]> after = files(run.resolve("checkpoints"));
        assertEquals(before.keySet(), after.keySet());
        for (String f : before.keySet()) assertArrayEquals(before.get(f), after.get(f), f);
    }

    /** Per-op checks on a healthy run find nothing (no legitimate infinities, e.g. in attention masks) and change no bit. */
    @Test void anomalyModeOnAHealthyElixrCRunFindsNothingAndChangesNothing() throws Exception {
        Path plain = tmp.resolve("healthy-plain"), checked = tmp.resolve("healthy-checked");
        train(plain, false, 3, false);
        train(checked, false, 3, true);
        assertFalse(AnomalyMode.isEnabled());
        assertFalse(Files.exists(checked.resolve("diagnostics")));
        Map<String, byte[]> a = files(plain.resolve("checkpoints")), b = files(checked.resolve("checkpoints"));
        assertEquals(List.of("step-000000002.ckpt", "step-000000003.ckpt"), List.copyOf(b.keySet()));
        assertEquals(a.keySet(), b.keySet());
        for (String f : a.keySet()) assertArrayEquals(a.get(f), b.get(f), f);
    }

    @Test void elixrCWithDetectAnomalyNamesTheOpThatReadTheNaNParameter() throws Exception {
        Path run = tmp.resolve("elixr-anomaly");
        List<String> poisoned = poisonedRun(run);
        var e = assertThrows(TrainingDivergedException.class, () -> train(run, true, 0, true));
        assertFalse(AnomalyMode.isEnabled());
        assertEquals(3, e.step());
        String m = e.getMessage();
        assertTrue(m.startsWith("train: stopped at step 3: anomaly: forward op '"), m);
        assertTrue(m.contains("(that input is parameter " + poisoned.get(0) + ")"), m);
        assertTrue(m.contains("created at dev.elixr.models."), m);
        assertTrue(Files.exists(run.resolve("diagnostics/step-000000003.ckpt")));
    }
}
