package dev.elixr.autograd.optim;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.nn.BatchNorm2d;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MomentumUpdateTest {
    @Test void movesEveryParameterTowardsTheSourceByOneMinusM() {
        Linear key = new Linear(3, 2, true, new SplitMix64(1)), query = new Linear(3, 2, true, new SplitMix64(2));
        float[] k0 = key.weight().value().toFloatArray(), q0 = query.weight().value().toFloatArray();
        float[] kb = key.bias().value().toFloatArray(), qb = query.bias().value().toFloatArray();
        MomentumUpdate.update(key, query, 0.9);
        float[] k1 = key.weight().value().toFloatArray(), b1 = key.bias().value().toFloatArray();
        for (int i = 0; i < k0.length; i++) assertEquals(0.9 * k0[i] + 0.1 * q0[i], k1[i], 1e-6);
        for (int i = 0; i < kb.length; i++) assertEquals(0.9 * kb[i] + 0.1 * qb[i], b1[i], 1e-6);
        assertArrayEquals(q0, query.weight().value().toFloatArray(), 0f, "the source is not touched");
    }

    @Test void copyMakesAnExactCopyIncludingBuffers() {
        BatchNorm2d key = new BatchNorm2d(2), query = new BatchNorm2d(2);
        query.forward(dev.elixr.autograd.Var.of(Tensor.randn(3L, 4, 2, 3, 3)));  // training mode: running stats move
        MomentumUpdate.copy(key, query);
        query.stateDict().forEach((n, t) -> assertArrayEquals(t.toFloatArray(), key.stateDict().get(n).toFloatArray(), 0f, n));
    }

    @Test void refusesMomentumOutsideZeroToOne() {
        Linear a = new Linear(1, 1, false, new SplitMix64(1));
        assertThrows(IllegalArgumentException.class, () -> MomentumUpdate.update(a, a, 1.0));
    }
}
