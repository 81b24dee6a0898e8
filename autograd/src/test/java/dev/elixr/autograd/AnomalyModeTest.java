package dev.elixr.autograd;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Anomaly mode names the op, its function, the shape and the creating code, in forward and in backward. */
class AnomalyModeTest {
    /** A custom op whose forward turns element 2 into NaN (a stand-in for a buggy kernel). */
    static Var nanForward(Var x) {
        float[] v = x.value().toFloatArray();
        v[2] = Float.NaN;
        return Var.result("nan-maker", Tensor.of(v, x.shape()), g -> new Tensor[] {g}, x);
    }

    /** A custom op whose forward is the identity and whose backward returns +Inf for element 1. */
    static Var infBackward(Var x) {
        return Var.result("inf-grad", x.value(), g -> {
            float[] v = g.toFloatArray();
            v[1] = Float.POSITIVE_INFINITY;
            return new Tensor[] {Tensor.of(v, g.shape())};
        }, x);
    }

    @Test void offByDefaultAndNaNsPassSilently() {
        assertFalse(AnomalyMode.isEnabled());
        Var x = Var.param(Tensor.vector(1f, 2f, 3f));
        Var y = nanForward(x).sumAll();
        assertTrue(Float.isNaN(y.item()));
        y.backward();
        assertArrayEquals(new float[] {1, 1, 1}, x.grad().toFloatArray());
    }

    @Test void forwardNamesTheOpItsFunctionTheShapeAndTheCaller() {
        Var x = Var.param(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        NonFiniteException e;
        try (var a = AnomalyMode.detect()) {
            e = assertThrows(NonFiniteException.class, () -> nanForward(x));
        }
        assertFalse(AnomalyMode.isEnabled());
        assertEquals(NonFiniteException.Phase.FORWARD, e.phase());
        assertEquals("nan-maker", e.op());
        assertNull(e.input());
        String m = e.getMessage();
        assertTrue(m.contains("forward op 'nan-maker' (AnomalyModeTest.nanForward) produced NaN at [0,2] of [2,3] (1 of 6 non-finite)"), m);
        assertTrue(m.contains("created at dev.elixr.autograd.AnomalyModeTest"), m);
    }

    @Test void aBuiltInOpIsNamedToo() {
        Var x = Var.param(Tensor.vector(1f, -1f));
        try (var a = AnomalyMode.detect()) {
            var e = assertThrows(NonFiniteException.class, () -> x.mul(2f).log());
            assertTrue(e.getMessage().contains("forward op 'log' (PointwiseFn.log) produced NaN at [1] of [2]"), e.getMessage());
        }
    }

    @Test void backwardNamesTheOpAndWhereItWasCreatedInForward() {
        Var x = Var.param(Tensor.vector(1f, 2f, 3f));
        try (var a = AnomalyMode.detect()) {
            Var loss = infBackward(x.mul(2f)).sumAll();
            var e = assertThrows(NonFiniteException.class, loss::backward);
            assertEquals(NonFiniteException.Phase.BACKWARD, e.phase());
            assertEquals("inf-grad", e.op());
            String m = e.getMessage();
            assertTrue(m.contains("backward of op 'inf-grad' (AnomalyModeTest.infBackward) returned a non-finite gradient for input 0 [3]: Infinity at [1] of [3]"), m);
            assertTrue(m.contains("the op was created at dev.elixr.autograd.AnomalyModeTest.lambda$backwardNames") || m.contains("created at dev.elixr.autograd.AnomalyModeTest.backwardNames"), m);
        }
        assertNull(x.grad());
    }

    @Test void aBuiltInBackwardIsNamed() {
        Var x = Var.param(Tensor.vector(0f, 4f));
        try (var a = AnomalyMode.detect()) {
            Var loss = x.sqrt().sumAll(); // forward finite, d√x at 0 is +Inf
            var e = assertThrows(NonFiniteException.class, loss::backward);
            assertTrue(e.getMessage().contains("backward of op 'sqrt' (PointwiseFn.sqrt) returned a non-finite gradient for input 0 [2]: Infinity at [0]"), e.getMessage());
        }
    }

    /** The first op that reads a NaN parameter reports that input, and the exception carries it (a trainer names it). */
    @Test void aNonFiniteLeafInputIsReportedAndHandedOver() {
        Linear lin = new Linear(3, 2, true, new SplitMix64(1));
        float[] w = lin.weight().value().toFloatArray();
        w[4] = Float.NaN;
        lin.weight().assign(Tensor.of(w, 2, 3));
        try (var a = AnomalyMode.detect()) {
            var e = assertThrows(NonFiniteException.class, () -> lin.forward(Var.of(Tensor.ones(1, 3))));
            assertSame(lin.weight(), e.input());
            assertTrue(e.getMessage().contains("its input 1 (a trainable leaf) was already non-finite: NaN at [1,1] of [2,3]"), e.getMessage());
        }
    }

    @Test void theHandlerTurnsTheAnomalyIntoItsOwnExceptionAndTheScopeRestoresIt() {
        Var x = Var.param(Tensor.vector(1f, 2f, 3f));
        try (var a = AnomalyMode.detect()) {
            AnomalyMode.setHandler(e -> new IllegalStateException("step 7: " + e.op()));
            var e = assertThrows(IllegalStateException.class, () -> nanForward(x));
            assertEquals("step 7: nan-maker", e.getMessage());
        }
        try (var a = AnomalyMode.detect()) {
            assertThrows(NonFiniteException.class, () -> nanForward(x));
        }
        AnomalyMode.setHandler(e -> new IllegalStateException("ignored while the mode is off"));
        try (var a = AnomalyMode.detect()) {
            assertThrows(NonFiniteException.class, () -> nanForward(x));
        }
    }

    @Test void noGradForwardIsCheckedAndFiniteGraphsPass() {
        Var x = Var.param(Tensor.vector(1f, 2f));
        try (var a = AnomalyMode.detect(); var g = GradMode.noGrad()) {
            assertThrows(NonFiniteException.class, () -> nanForward(Var.of(Tensor.vector(1f, 2f, 3f))));
        }
        try (var a = AnomalyMode.detect()) {
            x.exp().mul(x).sumAll().backward();
        }
        assertEquals((float) (Math.exp(1) * 2), x.grad().getFlat(0), 1e-5f);
    }
}
