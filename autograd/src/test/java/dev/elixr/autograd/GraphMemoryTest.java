package dev.elixr.autograd;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;

import static org.junit.jupiter.api.Assertions.*;

/** What {@link GraphMemory} counts, and the sweep letting go of activations as it goes. */
class GraphMemoryTest {
    static final int N = 1000, F = 4 * N;

    /** p (a parameter) → a = 2p → b = exp(a) → c = Σb: a and b are [1000] floats, c one. */
    static Var chain(long workspace) {
        Var p = Var.param(Tensor.randn(1, N));
        Var a = p.mul(2f);
        Var b = a.exp();
        Var w = Var.result("scratch", b.value(), workspace, g -> new Tensor[] {g}, b);  // a view of b's storage: no new bytes
        return w.sumAll();
    }

    @Test
    void retainedBytesCountEachIntermediateStorageOnceAndNoParameter() {
        assertEquals(2L * F + 4, GraphMemory.retainedBytes(chain(0)));
    }

    @Test
    void backwardPeakIsTheLargestSumOfAliveValuesPendingAndReturnedGradientsAndScratch() {
        // at exp's node: a and b alive (2F), b's gradient pending (F), a's returned (F); the scratch node: a, b, its
        // pending and returned gradients (2F + 2F) and its scratch
        assertEquals(4L * F, GraphMemory.backwardPeakBytes(chain(0)));
        assertEquals(4L * F + 10_000, GraphMemory.backwardPeakBytes(chain(10_000)));
        assertEquals(4L * F + 10_500, GraphMemory.backwardPeakBytes(chain(10_000), v -> v.node().op().equals("scratch") ? 500 : 0));
    }

    @Test
    void anActivationIsCollectableOnceItsNodeIsVisitedBeforeTheSweepEnds() {
        Var p = Var.param(Tensor.randn(1, N));
        boolean[] checked = {false};
        WeakReference<Tensor>[] late = new WeakReference[1];
        Var x = Var.result("probe", p.value().copy(), g -> {
            for (int i = 0; i < 5 && late[0].get() != null; i++) System.gc();
            checked[0] = true;
            assertNull(late[0].get(), "exp(exp(x)) is still reachable while the sweep is at x");
            return new Tensor[] {g};
        }, p);
        Var root = exp2(x, late).sumAll();
        root.backward();
        assertTrue(checked[0]);
        assertNotNull(p.grad());
    }

    /** exp(exp(x)), remembering the outer value only weakly. */
    @SuppressWarnings("unchecked")
    static Var exp2(Var x, WeakReference<Tensor>[] late) {
        Var y = x.exp().exp();
        late[0] = new WeakReference<>(y.value());
        return y;
    }
}
