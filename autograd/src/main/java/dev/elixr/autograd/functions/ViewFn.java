package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;

import java.util.function.UnaryOperator;

/**
 * Views (reshape, permute, slice, select, expand, squeeze, unsqueeze, flatten): the forward shares storage;
 * the backward maps the gradient back to the input's shape (reshape back, inverse permutation, scatter into
 * zeros, sum over expanded dimensions).
 */
public final class ViewFn {
    private ViewFn() {}

    public static Var view(Var x, int... shape) {
        int[] in = x.shape();
        return Var.result("view", x.value().view(shape), g -> new Tensor[] {g.reshape(in)}, x);
    }

    public static Var reshape(Var x, int... shape) {
        int[] in = x.shape();
        return Var.result("reshape", x.value().reshape(shape), g -> new Tensor[] {g.reshape(in)}, x);
    }

    public static Var flatten(Var x, int start, int end) {
        int[] in = x.shape();
        return Var.result("flatten", x.value().flatten(start, end), g -> new Tensor[] {g.reshape(in)}, x);
    }

    public static Var permute(Var x, int... dims) {
        Tensor y = x.value().permute(dims);
        int rank = dims.length;
        int[] inverse = new int[rank];
        for (int i = 0; i < rank; i++) inverse[dims[i] < 0 ? dims[i] + rank : dims[i]] = i;
        return Var.result("permute", y, g -> new Tensor[] {g.permute(inverse)}, x);
    }

    public static Var transpose(Var x, int a, int b) {
        return Var.result("transpose", x.value().transpose(a, b), g -> new Tensor[] {g.transpose(a, b)}, x);
    }

    public static Var squeeze(Var x, int dim) {
        int[] in = x.shape();
        return Var.result("squeeze", x.value().squeeze(dim), g -> new Tensor[] {g.reshape(in)}, x);
    }

    public static Var unsqueeze(Var x, int dim) {
        int[] in = x.shape();
        return Var.result("unsqueeze", x.value().unsqueeze(dim), g -> new Tensor[] {g.reshape(in)}, x);
    }

    public static Var contiguous(Var x) {
        return Var.result("contiguous", x.value().contiguous(), g -> new Tensor[] {g}, x);
    }

    public static Var slice(Var x, int dim, int start, int end, int step) {
        int[] in = x.shape();
        return Var.result("slice", x.value().slice(dim, start, end, step), g -> new Tensor[] {placeInZeros(g, in, z -> z.slice(dim, start, end, step))}, x);
    }

    public static Var select(Var x, int dim, int index) {
        int[] in = x.shape();
        return Var.result("select", x.value().select(dim, index), g -> new Tensor[] {placeInZeros(g, in, z -> z.select(dim, index))}, x);
    }

    /** Backward of a broadcast: sum over the expanded dimensions. */
    public static Var expand(Var x, int... shape) {
        int[] in = x.shape();
        return Var.result("expand", x.value().expand(shape), g -> new Tensor[] {SumToShape.apply(g, in)}, x);
    }

    /** Zeros of shape (on g's device) with g written into the region that region picks. */
    static Tensor placeInZeros(Tensor g, int[] shape, UnaryOperator<Tensor> region) {
        Backend be = g.backend();
        Tensor z = new Tensor(be.allocate(Shape.numel(shape)), shape);
        be.copy(g, region.apply(z));
        return z;
    }
}
