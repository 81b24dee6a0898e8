package dev.elixr.tensor.matvec;

import dev.elixr.tensor.DType;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static dev.elixr.tensor.matvec.MatVecTest.assertNear;
import static dev.elixr.tensor.matvec.MatVecTest.vector;
import static dev.elixr.tensor.matvec.MatVecTest.weight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The repacked half-precision product equals the reference on odd row counts, offsets, strided rows and thread splits. */
class HalfRowsTest {
    static IntStream seeds() { return IntStream.range(0, 30); }

    @ParameterizedTest
    @MethodSource("seeds")
    void repackedProductMatchesTheReference(int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        DType type = seed % 2 == 0 ? DType.BF16 : DType.F16;
        int rows = 1 + rng.nextInt(70), cols = 32 * (1 + rng.nextInt(9));
        int offset = rng.nextInt(5), ld = cols + (rng.nextBoolean() ? 0 : rng.nextInt(9));
        Tensor w = weight(rng, type, rows, cols, offset, ld);
        float[] x = vector(rng, cols), y = new float[rows];
        HalfRows.of(w).matvec(x, y);
        assertNear(dev.elixr.tensor.reference.MatVec.matvec(w, x), y, cols, type + " [" + rows + "," + cols + "] offset " + offset + " ld " + ld);
    }

    @Test
    void largeWeightsSplitAcrossThreadsMatchTheReference() {
        SplittableRandom rng = new SplittableRandom(77);
        Tensor w = weight(rng, DType.BF16, 301, 256, 3, 260);
        float[] x = vector(rng, 256), y = new float[301];
        HalfRows.of(w).matvec(x, y);
        assertNear(dev.elixr.tensor.reference.MatVec.matvec(w, x), y, 256, "BF16 [301,256]");
    }

    @Test
    void everyWeightKeepsItsValueInTheGroupOrder() {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor w = weight(rng, DType.F16, 6, 96, 1, 100);
        HalfRows h = HalfRows.of(w);
        for (int r = 0; r < 6; r++) for (int c = 0; c < 96; c++) assertEquals(w.get(r, c), h.get(r, c), "(" + r + "," + c + ")");
        for (int c = 0; c < 96; c++) assertEquals(0f, h.get(7, c), "padded row 7, column " + c);
    }

    @Test
    void matricesThatDoNotFitAreRefused() {
        assertFalse(HalfRows.fits(Tensor.zeros(4, 32)), "float32");
        Tensor odd = weight(new SplittableRandom(1), DType.BF16, 2, 40, 0, 40);
        assertFalse(HalfRows.fits(odd), "40 columns");
        var e = assertThrows(IllegalArgumentException.class, () -> HalfRows.of(odd));
        assertEquals("HalfRows: weight [2,40] of BF16 is not a BF16/F16 host matrix with a multiple of 32 columns", e.getMessage());
    }
}
