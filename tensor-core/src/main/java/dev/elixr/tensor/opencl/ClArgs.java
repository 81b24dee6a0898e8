package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

/** Checks shared by the device kernels' Java side: device buffers, contiguous outputs, sub-views. */
final class ClArgs {
    private ClArgs() {}

    /** The device buffer of a tensor on the given context; a clear error otherwise. */
    static ClBuffer buffer(String op, ClContext ctx, Tensor t) {
        if (!(t.storage() instanceof ClBuffer b) || b.context() != ctx) {
            throw new IllegalArgumentException(op + ": tensor " + Shape.str(t.shape()) + " lives on " + t.device()
                    + ", not on " + ctx.device() + "; move it with to(" + ctx.device() + ") first");
        }
        return b;
    }

    static void requireContiguous(String op, Tensor out) {
        if (!out.isContiguous()) {
            throw new IllegalArgumentException(op + ": the output " + Shape.str(out.shape()) + " must be contiguous, strides "
                    + Shape.str(out.strides()));
        }
    }

    /** t itself when contiguous, else a contiguous copy on the device (for kernels that index plainly). */
    static Tensor dense(Tensor t) { return t == null || t.isContiguous() ? t : t.copy(); }

    /** View of dimensions [from, to) of t (its strides, offset off). */
    static ClView dims(Tensor t, int from, int to, int off) {
        int[] s = t.shape(), st = t.strides();
        int[] ns = new int[to - from], nst = new int[to - from];
        System.arraycopy(s, from, ns, 0, ns.length);
        System.arraycopy(st, from, nst, 0, nst.length);
        return new ClView(ns, nst, off);
    }

    /** View of t with one axis set to size 1 (rows of the other axes; the axis stride is given separately). */
    static ClView rowsExcept(Tensor t, int axis) {
        int[] s = t.shape();
        s[axis] = 1;
        return new ClView(s, t.strides(), t.offset());
    }
}
