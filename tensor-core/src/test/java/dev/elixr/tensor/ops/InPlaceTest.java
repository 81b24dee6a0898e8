package dev.elixr.tensor.ops;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-place ops on results a caller owns ({@link Elementwise#addInPlace}, {@link Elementwise#reluInPlace},
 * {@link Norm#batchNorm2dBackwardInPlace}): the bits of the out-of-place ops, written into the given tensor, which is
 * returned; strided views and shape-changing broadcasts refused with a message naming the shapes.
 */
class InPlaceTest {
    static Tensor normal(SplittableRandom r, int... shape) { return Tensor.normal(r, 0f, 1f, shape); }

    @ParameterizedTest(name = "{0} rows")
    @ValueSource(ints = {1, 3, 97})
    void addInPlaceGivesTheBitsOfAddIntoItsTarget(int rows) {
        SplittableRandom r = new SplittableRandom(rows);
        for (int cols : new int[] {1, 7, 16, 67}) {
            Tensor x = normal(r, rows, cols), bias = normal(r, cols), same = normal(r, rows, cols), column = normal(r, rows, 1);
            for (Tensor b : new Tensor[] {bias, same, column}) {
                float[] want = Elementwise.add(x, b).toFloatArray();
                Tensor target = Tensor.of(x.toFloatArray(), rows, cols);
                assertSame(target, Elementwise.addInPlace(target, b));
                assertArrayEquals(want, target.toFloatArray(), "x[" + rows + "," + cols + "] += b" + java.util.Arrays.toString(b.shape()));
            }
        }
    }

    @Test
    void reluInPlaceGivesTheBitsOfRelu() {
        SplittableRandom r = new SplittableRandom(5);
        Tensor x = normal(r, 4, 3, 17, 9);
        float[] want = Elementwise.relu(x).toFloatArray();
        Tensor target = Tensor.of(x.toFloatArray(), x.shape());
        assertSame(target, Elementwise.reluInPlace(target));
        assertArrayEquals(want, target.toFloatArray());
    }

    @Test
    void inPlaceOpsRefuseStridedViewsAndShapeChangingBroadcasts() {
        Tensor x = Tensor.zeros(3, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> Elementwise.addInPlace(x.t(), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("strided view") && e.getMessage().contains("[4,3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Elementwise.reluInPlace(x.t()));
        assertTrue(e.getMessage().contains("strided view"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Elementwise.addInPlace(Tensor.zeros(3, 1), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[3,4]") && e.getMessage().contains("keeps x's shape"), e.getMessage());
    }

    @Test
    void batchNormBackwardInPlaceGivesTheBitsOfBatchNormBackwardOverTheGradient() {
        SplittableRandom r = new SplittableRandom(11);
        Tensor x = normal(r, 5, 3, 7, 6), gamma = normal(r, 3), beta = normal(r, 3), g = normal(r, 5, 3, 7, 6);
        Norm.BatchNorm bn = Norm.batchNorm2d(x, gamma, beta, 1e-5f);
        Tensor[] want = Norm.batchNorm2dBackward(x, gamma, bn, 1e-5f, g, true, true, true);
        Tensor over = Tensor.of(g.toFloatArray(), g.shape());
        Tensor[] got = Norm.batchNorm2dBackwardInPlace(x, gamma, bn, 1e-5f, over, true, true);
        assertSame(over, got[0]);
        for (int i = 0; i < 3; i++) assertArrayEquals(want[i].toFloatArray(), got[i].toFloatArray(), "gradient " + i);
    }
}
