package dev.elixr.autograd.functions;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Reduce;

import java.util.Arrays;

/** The gradient of a broadcast: sums a gradient over the dimensions that broadcasting added or stretched. */
final class SumToShape {
    private SumToShape() {}

    static Tensor apply(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] axes = new int[gs.length];
        int n = 0;
        for (int d = 0; d < gs.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) axes[n++] = d;
        }
        Tensor s = n == 0 ? g : Reduce.sum(g, true, Arrays.copyOf(axes, n));
        return s.reshape(shape);
    }
}
