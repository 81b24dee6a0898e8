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
        Gen g = new Gen(seed);
        int b = 1 + g.rng.nextInt(2), h = 1 + g.rng.nextInt(3), tk = g.dim(), tq = seed % 3 == 0 ? tk : 1 + g.rng.nextInt(tk);
        int d = g.dim(), dv = seed % 5 == 0 ? g.dim() : d;
        Tensor q = seed % 2 == 0 ? g.values(1f, b, tq, h, d).permute(0, 2, 1, 3) : g.tensor(b, h, tq, d);
        Tensor k = g.tensor(b, h, tk, d), v = g.tensor(b, h, tk, dv);
        Tensor mask = switch ((int) (seed % 4)) {
            case 0 -> null;
            case 1 -> g.tensor(b, 1, 1, tk);                            // padding-style
            case 2 -> Elementwise.mul(Elementwise.lt(g.values(1f, tq, tk), -0.5f), -1e9f); // 0 / -1e9
            default -> g.tensor(b, h, tq, tk);
        };
        boolean causal = seed % 3 != 1;
        Close.assertClose(dev.elixr.tensor.reference.Attention.scaledDotProduct(q, k, v, mask, causal),
                Attention.scaledDotProduct(q, k, v, mask, causal), 1e-5, 1e-4,
                "attention B" + b + " H" + h + " Tq" + tq + " Tk" + tk + " D" + d + " Dv" + dv + " causal " + causal);
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
