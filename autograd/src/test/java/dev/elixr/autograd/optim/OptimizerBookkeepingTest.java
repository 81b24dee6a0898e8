package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Single steps computed by hand, state keys, and state save/restore checks (trajectories vs PyTorch are in OptimizerFixtureTest). */
class OptimizerBookkeepingTest {
    static Parameter param(float... v) {
        Parameter p = new Parameter(Tensor.of(v, v.length));
        return p;
    }

    static void grad(Parameter p, float... g) { p.setGrad(Tensor.of(g, g.length)); }

    @Test
    void sgdMomentumWithWeightDecay() {
        Parameter p = param(1f);
        SGD sgd = new SGD(List.of(p), 0.1, 0.9, 0.01);
        grad(p, 0.5f);
        sgd.step();
        assertEquals(0.949f, p.value().get(0), 1e-7f);
        sgd.step();
        assertEquals(0.852151f, p.value().get(0), 1e-6f);
        assertEquals(List.of("p0.momentum_buffer"), List.copyOf(sgd.state().tensors().keySet()));
        assertEquals(2, sgd.steps());
    }

    @Test
    void adamWFirstStepMovesByLearningRateAfterDecay() {
        Parameter p = param(1f, -2f);
        AdamW opt = new AdamW(List.of(p), 0.1, 0.01);
        grad(p, 0.5f, -3f);
        opt.step();
        assertEquals(0.999f - 0.1f, p.value().get(0), 1e-6f);
        assertEquals(-2f * 0.999f + 0.1f, p.value().get(1), 1e-6f);
        assertEquals(List.of("p0.exp_avg", "p0.exp_avg_sq", "p0.step"), List.copyOf(opt.state().tensors().keySet()));
        assertEquals(1f, opt.state().tensors().get("p0.step").item());
    }

    @Test
    void larsScalesByTrustRatio() {
        Parameter w = param(3f, 4f), b = param(1f);
        Lars lars = new Lars(List.of(new ParamGroup("w", List.of(w), 0.0, 1.0, true), new ParamGroup("b", List.of(b), 0.0, 1.0, false)),
                1.0, 0.9, 0.001);
        grad(w, 1f, 0f);
        grad(b, 0.5f);
        lars.step();
        assertEquals(3f - 0.005f, w.value().get(0), 1e-7f);
        assertEquals(4f, w.value().get(1));
        assertEquals(0.5f, b.value().get(0), 1e-7f, "group without adaptation takes the plain step");
    }

    @Test
    void skipsParametersWithoutGradientAndScalesGroupLr() {
        Parameter a = param(1f), b = param(1f);
        SGD sgd = new SGD(List.of(new ParamGroup("a", List.of(a), 0, 0.5, true), new ParamGroup("b", List.of(b), 0, 1, true)), 0.2, 0, false);
        grad(a, 1f);
        sgd.step();
        assertEquals(0.9f, a.value().get(0), 1e-7f);
        assertEquals(1f, b.value().get(0));
        assertTrue(sgd.state().tensors().isEmpty(), "no momentum, no state");
        sgd.zeroGrad();
        assertNull(a.grad());
    }

    @Test
    void parameterInTwoGroupsIsAnError() {
        Parameter a = param(1f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(new ParamGroup("x", List.of(a), 0), new ParamGroup("y", List.of(a), 0)), 0.1, 0, false));
        assertTrue(e.getMessage().contains("more than one group (y)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(a), -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ParamGroup("n", List.of(a), -0.1));
    }

    @Test
    void stateRestoresExactlyAndIsValidated() {
        Parameter p = param(1f, 2f, 3f), q = param(1f, 2f, 3f);
        AdamW a = new AdamW(List.of(p), 0.01, 0.1), b = new AdamW(List.of(q), 0.5, 0.1);
        for (int i = 0; i < 3; i++) {
            grad(p, 0.1f * i, -0.2f, 0.3f);
            a.step();
        }
        q.assign(p.value().copy());
        b.loadState(a.state());
        assertEquals(0.01, b.lr());
        assertEquals(3, b.steps());
        grad(p, 1f, 2f, 3f);
        grad(q, 1f, 2f, 3f);
        a.step();
        b.step();
        assertArrayEquals(p.value().toFloatArray(), q.value().toFloatArray());
        Map<String, Tensor> bad = Map.of("p3.exp_avg", Tensor.zeros(3));
        assertThrows(IllegalArgumentException.class, () -> b.loadState(new Optimizer.State(bad, 0.1, 1)));
        Map<String, Tensor> wrongSize = Map.of("p0.exp_avg", Tensor.zeros(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadState(new Optimizer.State(wrongSize, 0.1, 1)));
        assertTrue(e.getMessage().contains("has 4 values, expected 3 for parameter 0 [3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.loadState(new Optimizer.State(Map.of("garbage", Tensor.zeros(3)), 0.1, 1)));
    }

    @Test
    void readOnlyMappedParametersAreReplacedNotWritten() {
        MemorySegment seg = Arena.ofAuto().allocate(8);
        seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, 1f);
        seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4, 2f);
        Tensor mapped = new Tensor(new SegmentStorage(seg.asReadOnly(), DType.F32), 2);
        Parameter p = new Parameter(mapped);
        SGD sgd = new SGD(List.of(p), 1.0, 0, 0);
        grad(p, 0.5f, 0.5f);
        sgd.step();
        assertArrayEquals(new float[] {0.5f, 1.5f}, p.value().toFloatArray());
        assertArrayEquals(new float[] {1f, 2f}, mapped.toFloatArray());
        float[] before = p.value().storage().array();
        sgd.step();
        assertSame(before, p.value().storage().array(), "heap parameters are updated in place");
    }

    @Test
    void clipGlobalNormScalesAllGradients() {
        Parameter a = param(0f, 0f), b = param(0f), c = param(0f);
        grad(a, 3f, 0f);
        grad(b, -4f);
        double norm = GradClip.clipGlobalNorm(List.of(a, b, c), 1.0);
        assertEquals(5.0, norm, 1e-12);
        float coef = (float) (1.0 / (5.0 + 1e-6));
        assertArrayEquals(new float[] {3f * coef, 0f}, a.grad().toFloatArray());
        assertEquals(-4f * coef, b.grad().get(0));
        assertNull(c.grad());
        double again = GradClip.clipGlobalNorm(List.of(a, b), 10.0);
        assertEquals(1.0, again, 1e-5);
        assertEquals(-4f * coef, b.grad().get(0), "below the limit nothing changes");
    }

    @Test
    void cosineScheduleWarmsUpThenDecays() {
        CosineSchedule s = new CosineSchedule(1.0, 10, 110, 0.1);
        assertEquals(0.0, s.lr(0));
        assertEquals(0.5, s.lr(5), 1e-15);
        assertEquals(1.0, s.lr(10), 1e-15);
        assertEquals(0.55, s.lr(60), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(35), 1e-15);
        assertEquals(0.1, s.lr(110));
        assertEquals(0.1, s.lr(1000));
        Parameter p = param(1f);
        SGD sgd = new SGD(List.of(p), 123, 0, 0);
        assertEquals(0.5, s.apply(sgd, 5), 1e-15);
        assertEquals(0.5, sgd.lr(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1, 20, 10, 0));
    }
}
