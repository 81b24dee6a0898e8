package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;
import java.util.stream.Stream;

/** Scaled dot-product attention against the reference: masks of several broadcast shapes, causal, Tq ≠ Tk, permuted q/k/v. */
class AttentionTest {
    static Stream<Long> seeds() { return LongStream.range(0, 40).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void matchesReference(long seed) {
        var c = OpCases.AttentionCase.of(seed);
        Close.assertClose(dev.elixr.tensor.reference.Attention.scaledDotProduct(c.q(), c.k(), c.v(), c.mask(), c.causal()),
                Attention.scaledDotProduct(c.q(), c.k(), c.v(), c.mask(), c.causal()), 1e-5, 1e-4, c.what());
    }

    @Test
    void fullyMaskedRowGivesZerosAndExplicitScale() {
        Gen g = new Gen(3);
        Tensor q = g.values(1f, 1, 1, 2, 4), k = g.values(1f, 1, 1, 3, 4), v = g.values(1f, 1, 1, 3, 4);
        Tensor mask = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, 0, 0}, 2, 3);
        Tensor out = Attention.scaledDotProduct(q, k, v, mask, false, 0.3f);
        Close.assertClose(dev.elixr.tensor.reference.Attention.scaledDotProduct(q, k, v, mask, false, 0.3f), out, 1e-6, "attention");
        Close.assertClose(Tensor.zeros(4), out.select(2, 0).flatten(), 0, "masked row");
    }
}
