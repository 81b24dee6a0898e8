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
    void bytesAnOpKeepsForItsBackwardCountUntilItsNodeRunsAndNotPastTheirLimit() {
        // p → k (keeps 3,000 bytes, limit 7,000) → a = 2k → b = exp(a) → Σb: the kept bytes are alive from the start of the
        // sweep to k's node, after a's and b's: the peak at exp's node (k, a, b alive, b's gradient pending, a's
        // returned: 5F) plus them
        Var p = Var.param(Tensor.randn(1, N));
        Var k = Var.result("keeps", p.value().copy(), 3_000, 7_000, 0, 0, g -> new Tensor[] {g}, p);
        Var root = k.mul(2f).exp().sumAll();
        assertEquals(3L * F + 4 + 3_000, GraphMemory.retainedBytes(root));
        assertEquals(5L * F + 3_000, GraphMemory.backwardPeakBytes(root));
        assertEquals(2 * 5L * F + 6_000, GraphMemory.backwardPeakBytes(root, v -> 0, 2), "two copies keep twice as much");
        assertEquals(3 * 5L * F, GraphMemory.backwardPeakBytes(root, v -> 0, 3), "three copies would pass the limit: nothing kept");
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
