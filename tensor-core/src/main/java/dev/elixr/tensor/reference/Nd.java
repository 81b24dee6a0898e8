package dev.elixr.tensor.reference;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

/** Multi-index helpers for the references: row-major unravelling and broadcast reads. */
final class Nd {
    private Nd() {}

    /** Row-major multi-index of flat position i in shape. */
    static int[] unravel(int i, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
        return idx;
    }

    /** t's value at idx of a (broadcast) result shape: right-aligned, size-1 dimensions read index 0. */
    static double at(Tensor t, int[] idx) {
        int r = t.dim(), lead = idx.length - r;
        int[] shape = t.shape(), ix = new int[r];
        for (int d = 0; d < r; d++) ix[d] = shape[d] == 1 ? 0 : idx[lead + d];
        return t.get(ix);
    }

    /** A host tensor of shape from double values (rounded to float). */
    static Tensor tensor(double[] v, int... shape) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Tensor.wrap(f, shape);
    }

    static int numel(int[] shape) { return Shape.numel(shape); }
}
