package dev.elixr.models.testing;

import dev.elixr.autograd.io.Npy;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparison of our outputs with PyTorch's saved ones. */
public final class Parity {
    /** The tolerance the issue sets for PyTorch parity. */
    public static final double TOLERANCE = 1e-4;

    private Parity() {}

    public static Tensor npy(String relative) {
        try {
            return Npy.read(Fixtures.path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double maxAbsDiff(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(),
                () -> "shape: expected " + Shape.str(expected.shape()) + ", got " + Shape.str(actual.shape()));
        float[] e = expected.contiguous().toFloatArray(), a = actual.contiguous().toFloatArray();
        double max = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= max)) max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        }
        return max;
    }

    /** Asserts max |expected − actual| ≤ 1e-4 and returns it. */
    public static double assertClose(String what, Tensor expected, Tensor actual) {
        double d = maxAbsDiff(expected, actual);
        System.out.printf("parity %-40s max abs error %.3g%n", what, d);
        assertTrue(d <= TOLERANCE, () -> what + ": max abs error " + d + " > " + TOLERANCE);
        return d;
    }
}
