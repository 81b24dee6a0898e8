package dev.elixr.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Asserts that a result equals the reference: same shape, |actual − expected| ≤ atol + rtol·|expected| everywhere. */
public final class Close {
    private Close() {}

    public static void assertClose(Tensor expected, Tensor actual, double atol, double rtol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), () -> what + ": shape " + Shape.str(actual.shape()) + ", expected "
                + Shape.str(expected.shape()));
        Tensor e = expected.toCpu(), a = actual.toCpu();
        for (int i = 0; i < e.numel(); i++) {
            double x = e.getFlat(i), y = a.getFlat(i);
            if (Double.isNaN(x) && Double.isNaN(y) || x == y) continue;
            if (!(Math.abs(x - y) <= atol + rtol * Math.abs(x))) {
                fail(what + ": at " + Shape.str(Gen.unravel(i, e.shape())) + " of " + Shape.str(e.shape()) + " got " + y
                        + ", expected " + x + " (|diff| " + Math.abs(x - y) + ")");
            }
        }
    }

    public static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertClose(expected, actual, tol, tol, what);
    }
}
