package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Extremum;
import dev.elixr.tensor.backend.ReduceOp;

/**
 * Reductions of reduce.cl. Long reductions run one work-group per output (tree in local memory), short ones
 * one work-item per output. Float32 accumulation in a different order than the float64 reference: results
 * agree to about 1e-6 relative per sqrt(element count) on well-scaled data.
 */
final class ClReduce {
    private final ClContext ctx;

    ClReduce(ClContext ctx) { this.ctx = ctx; }

    void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        ClBuffer xb = ClArgs.buffer("reduce " + op, ctx, x), ob = ClArgs.buffer("reduce " + op, ctx, out);
        ClArgs.requireContiguous("reduce " + op, out);
        int nOut = out.numel();
        if (nOut == 0) return;
        int[] shape = x.shape(), strides = x.strides();
        int[] keptShape = shape.clone();
        int[] rs = new int[axes.length], rst = new int[axes.length];
        int rn = 1;
        for (int i = 0; i < axes.length; i++) {
            rs[i] = shape[axes[i]];
            rst[i] = strides[axes[i]];
            keptShape[axes[i]] = 1;
            rn *= rs[i];
        }
        if (rn == 0) {
            if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
                throw new IllegalArgumentException("reduce " + op + ": cannot reduce over an empty axis of " + dev.elixr.tensor.Shape.str(shape));
            }
            ctx.fill(ob, out.offset(), nOut, op == ReduceOp.SUM ? 0f : Float.NaN);
            return;
        }
        ClView kv = new ClView(keptShape, strides, x.offset()), rv = new ClView(rs, rst, 0);
        int code = op.ordinal();
        if (rn >= 256 || nOut < 512) {
            int wg = ctx.programs().workGroup();
            ctx.programs().kernel("reduce", "reduce_wg").launch(new long[] {(long) nOut * wg}, new long[] {wg},
                    code, rn, kv, rv, xb, ob, out.offset());
        } else {
            ctx.programs().kernel("reduce", "reduce_item").run1d(nOut, code, nOut, rn, kv, rv, xb, ob, out.offset());
        }
    }

    void argReduce(Extremum which, Tensor x, int axis, Tensor out) {
        boolean max = which == Extremum.MAX;
        ClBuffer xb = ClArgs.buffer("argReduce", ctx, x), ob = ClArgs.buffer("argReduce", ctx, out);
        ClArgs.requireContiguous("argReduce", out);
        int nOut = out.numel(), n = x.size(axis);
        if (nOut == 0) return;
        if (n == 0) throw new IllegalArgumentException((max ? "argmax" : "argmin") + ": axis " + axis + " is empty");
        int wg = ctx.programs().workGroup();
        ctx.programs().kernel("reduce", "arg_reduce").launch(new long[] {(long) nOut * wg}, new long[] {wg},
                max ? 1 : 0, n, x.stride(axis), ClArgs.rowsExcept(x, axis), xb, ob, out.offset());
    }
}
