package dev.elixr.autograd;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tape: accumulation, shared sub-expressions, freeing, no-grad mode, detach, constants, deep graphs. */
class AutogradTest {
    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Var x = Var.param(Tensor.vector(1f, 2f, 3f));
        x.square().sumAll().backward();
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toFloatArray());
        x.mul(3f).sumAll().backward();
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toFloatArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void sharedSubexpressionsSumTheirGradients() {
        Var x = Var.param(Tensor.vector(2f));
        Var y = x.mul(x);           // x²
        Var z = y.add(y.mul(x));    // x² + x³
        z.sumAll().backward();
        assertEquals(2 * 2 + 3 * 4, x.grad().item(), 1e-6);
    }

    @Test
    void theGraphIsFreedAfterBackward() {
        Var x = Var.param(Tensor.vector(1f, 2f));
        Var loss = x.exp().sumAll();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("a second time"), e.getMessage());
    }

    @Test
    void noGradRecordsNothing() {
        Var x = Var.param(Tensor.vector(1f, 2f));
        Var y;
        try (var g = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
            y = x.mul(2f).exp();
            try (var inner = GradMode.enableGrad()) {
                assertTrue(x.mul(2f).requiresGrad());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        assertThrows(IllegalStateException.class, () -> y.sumAll().backward());
    }

    @Test
    void constantsAndDetachedValuesGetNoGradient() {
        Var x = Var.param(Tensor.vector(1f, 2f));
        Var c = Var.of(Tensor.vector(3f, 4f));
        Var d = x.mul(2f).detach();
        x.mul(c).add(d.mul(x)).sumAll().backward();
        assertNull(c.grad());
        assertNull(d.grad());
        assertArrayEquals(new float[] {3 + 2, 4 + 4}, x.grad().toFloatArray());
    }

    @Test
    void opsOnConstantsOnlyBuildNoGraph() {
        Var y = Var.of(Tensor.vector(1f)).exp();
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
    }

    @Test
    void nonScalarBackwardNeedsAGradient() {
        Var x = Var.param(Tensor.vector(1f, 2f));
        Var y = x.mul(3f);
        assertThrows(IllegalStateException.class, y::backward);
        y.backward(Tensor.vector(1f, -1f));
        assertArrayEquals(new float[] {3, -3}, x.grad().toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> x.mul(2f).backward(Tensor.vector(1f)));
    }

    @Test
    void onlyLeavesChangeRequiresGrad() {
        Var x = Var.param(Tensor.vector(1f));
        Var y = x.exp();
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertThrows(IllegalStateException.class, () -> y.assign(Tensor.vector(2f)));
        x.requiresGrad(false);
        assertFalse(x.exp().requiresGrad());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Var x = Var.param(Tensor.vector(1f));
        Var y = x;
        for (int i = 0; i < 20_000; i++) y = y.add(0.001f);
        y.sumAll().backward();
        assertEquals(1f, x.grad().item());
    }

    @Test
    void maxRoutesTheGradientToTheFirstMaximum() {
        Var x = Var.param(Tensor.of(new float[] {1, 3, 3, 2, 0, -1}, 2, 3));
        Var m = x.max(1, false);
        assertArrayEquals(new float[] {3, 2}, m.value().toFloatArray());
        m.backward(Tensor.vector(5f, 7f));
        assertArrayEquals(new float[] {0, 5, 0, 7, 0, 0}, x.grad().toFloatArray());
    }

    @Test
    void leafBackwardSeedsItsOwnGradient() {
        Var x = Var.param(Tensor.scalar(3f));
        x.backward();
        assertEquals(1f, x.grad().item());
    }
}
