package dev.elixr.autograd.nn;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.PackedCopyBudget;
import dev.elixr.tensor.cpu.PackedMatrix;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link FrozenWeight}: when a frozen weight is packed, that the packed forward keeps every bit, and what drops the copy. */
class FrozenWeightTest {
    private static Tensor random(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return Tensor.wrap(v, shape);
    }

    private static void assertBitsEqual(Tensor expected, Tensor actual, String what) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        assertEquals(e.length, a.length, what + ": sizes");
        for (int i = 0; i < e.length; i++)
            assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), what + ": element " + i + " " + e[i] + " vs " + a[i]);
    }

    @Test
    void aFrozenWeightIsPackedOnItsSecondUseAndKeptWhileUnchanged() {
        Parameter w = new Parameter(random(new SplittableRandom(1), 70, 40));
        FrozenWeight f = new FrozenWeight();
        assertNull(f.packedTranspose(w), "trainable: the plain product");
        w.requiresGrad(false);
        assertNull(f.packedTranspose(w), "first use of the frozen weight: only remembered");
        PackedMatrix p = f.packedTranspose(w);
        assertNotNull(p, "second use: packed");
        assertEquals(40, p.k());
        assertEquals(70, p.n());
        assertSame(p, f.packedTranspose(w), "kept while the weight is the same tensor");
    }

    @Test
    void anAssignedOrUnfrozenWeightDropsItsCopy() {
        SplittableRandom r = new SplittableRandom(2);
        Parameter w = new Parameter(random(r, 30, 20));
        w.requiresGrad(false);
        FrozenWeight f = new FrozenWeight();
        f.packedTranspose(w);
        PackedMatrix first = f.packedTranspose(w);
        assertNotNull(first);
        w.assign(random(r, 30, 20));
        assertNull(f.packedTranspose(w), "a new tensor (loadStateDict, MomentumUpdate): first use again");
        PackedMatrix second = f.packedTranspose(w);
        assertNotSame(first, second);
        Parameter other = new Parameter(random(r, 5, 5));
        other.requiresGrad(false);
        other.requiresGrad(true); // any leaf unfrozen anywhere: it may have been trained since
        assertNull(f.packedTranspose(w), "after an unfreeze the copy may be stale");
        assertNotSame(second, f.packedTranspose(w));
        w.requiresGrad(true);
        assertNull(f.packedTranspose(w), "trainable again: no copy");
    }

    @Test
    void aWeightReplacedAtEveryStepIsNeverPacked() {
        SplittableRandom r = new SplittableRandom(3);
        Parameter w = new Parameter(random(r, 30, 20));
        w.requiresGrad(false);
        FrozenWeight f = new FrozenWeight();
        for (int step = 0; step < 4; step++) {
            w.assign(random(r, 30, 20));
            assertNull(f.packedTranspose(w), "step " + step);
        }
    }

    /** A copy's bytes count against the budget while it is kept and come back when it is dropped; over budget, no copy. */
    @Test
    void copiesCountAgainstTheBudgetAndOverItTheProductIsPlain() {
        SplittableRandom r = new SplittableRandom(6);
        Parameter w = new Parameter(random(r, 64, 50));
        w.requiresGrad(false);
        long copy = 4L * 64 * 50;
        PackedCopyBudget budget = new PackedCopyBudget(copy);
        FrozenWeight f = new FrozenWeight(budget);
        f.packedTranspose(w);
        assertNotNull(f.packedTranspose(w));
        assertEquals(copy, budget.used(), "bytes of the kept copy");
        Parameter other = new Parameter(random(r, 64, 50));
        other.requiresGrad(false);
        FrozenWeight g = new FrozenWeight(budget);
        g.packedTranspose(other);
        assertNull(g.packedTranspose(other), "a second copy past the budget is not made");
        assertNull(g.packedTranspose(other), "nor on later calls while it would not fit");
        assertEquals(copy, budget.used());
        w.assign(random(r, 64, 50));
        assertNull(f.packedTranspose(w));
        assertEquals(0, budget.used(), "the old copy's bytes given back");
        assertNotNull(g.packedTranspose(other), "now it fits");
        assertEquals(copy, budget.used());
    }

    /**
     * A frozen linear layer's outputs and input gradients, on its first (plain) and later (packed) forwards, equal the
     * trainable layer's bit for bit; after its weight is assigned new values the outputs follow them.
     */
    @Test
    void aFrozenLinearLayerGivesTheBitsOfTheTrainableOneAndFollowsAssignedWeights() {
        SplittableRandom r = new SplittableRandom(4);
        Linear layer = new Linear(300, 170, true, new java.util.Random(5));
        Tensor xv = random(r, 4, 25, 300);
        Var x0 = Var.param(xv);
        Var y0 = layer.forward(x0);
        y0.mul(y0).sumAll().backward();
        layer.zeroGrad();
        layer.freeze();
        for (int call = 0; call < 3; call++) {
            Var x = Var.param(xv);
            Var y = layer.forward(x);
            y.mul(y).sumAll().backward();
            assertBitsEqual(y0.value(), y.value(), "output, frozen call " + call);
            assertBitsEqual(x0.grad(), x.grad(), "input gradient, frozen call " + call);
            assertNull(layer.weight().grad(), "no weight gradient while frozen");
        }
        Tensor w2 = random(r, 170, 300);
        layer.weight().assign(w2);
        Linear fresh = new Linear(300, 170, true, new java.util.Random(5));
        fresh.weight().assign(w2);
        for (int call = 0; call < 3; call++)
            assertBitsEqual(fresh.forward(Var.of(xv)).value(), layer.forward(Var.of(xv)).value(), "after assign, call " + call);
    }
}
