package dev.elixr.tensor.ops;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;

import java.util.Arrays;

/** Gathers, joins and splits. split and chunk return views; the others new contiguous tensors. */
public final class Index {
    private Index() {}

    /** Rows of table [V,D] for ids, shaped [...idShape, D] (idShape empty: [ids.length, D]). */
    public static Tensor embedding(Tensor table, int[] ids, int... idShape) {
        if (table.dim() != 2) throw new IllegalArgumentException("embedding: table " + Outputs.str(table) + " must be [V,D]");
        int[] shape = idShape.length == 0 ? new int[] {ids.length} : idShape;
        if (Shape.numel(shape) != ids.length) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids do not fill shape " + Shape.str(shape));
        }
        checkIds("embedding", ids, table.size(0), "table " + Outputs.str(table));
        Backend be = Backends.of("embedding", table);
        int[] outShape = Arrays.copyOf(shape, shape.length + 1);
        outShape[shape.length] = table.size(1);
        Tensor out = Outputs.allocate(be, ids.length, table.size(1));
        be.gather(table, ids, out);
        return out.view(outShape);
    }

    /**
     * The gradient of {@link #embedding}: a zero tensor [rows, D...] with src's rows added at ids (src [ids.length, D...];
     * repeated ids accumulate).
     */
    public static Tensor scatterAddRows(Tensor src, int[] ids, int rows) {
        if (src.dim() < 1 || src.size(0) != ids.length) {
            throw new IllegalArgumentException("scatterAddRows: source " + Outputs.str(src) + " must have one row per id (" + ids.length + ")");
        }
        checkIds("scatterAddRows", ids, rows, rows + " destination rows");
        int[] shape = src.shape();
        shape[0] = rows;
        Backend be = Backends.of("scatterAddRows", src);
        Tensor out = Outputs.allocate(be, shape);
        be.scatterAddRows(src, ids, out);
        return out;
    }

    /** Writes src into dst in place (same shape, same device; dst any view that does not overlap itself or src). */
    public static void copyInto(Tensor src, Tensor dst) {
        if (!src.sameShape(dst)) throw new IllegalArgumentException("copyInto: source " + Outputs.str(src) + " and destination " + Outputs.str(dst) + " differ in shape");
        Backends.of("copyInto", src, dst).copy(src, dst);
    }

    /** Entries idx along axis (repeats allowed). */
    public static Tensor indexSelect(Tensor x, int axis, int[] idx) {
        int a = Shape.axis("indexSelect", axis, x.dim());
        checkIds("indexSelect", idx, x.size(a), "dimension " + a + " of " + Outputs.str(x));
        Tensor moved = x.dim() == 1 || a == 0 ? x : x.transpose(0, a);
        int[] shape = moved.shape();
        shape[0] = idx.length;
        Backend be = Backends.of("indexSelect", x);
        Tensor out = Outputs.allocate(be, shape);
        be.gather(moved, idx, out);
        return a == 0 ? out : out.transpose(0, a).contiguous();
    }

    /** Tensors joined along axis; all other dimensions must agree. */
    public static Tensor concat(int axis, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("concat: no tensors given");
        int rank = ts[0].dim();
        if (rank == 0) throw new IllegalArgumentException("concat: cannot join scalars; unsqueeze them or use stack");
        int a = Shape.axis("concat", axis, rank);
        int[] shape = ts[0].shape();
        int total = 0;
        for (int i = 0; i < ts.length; i++) {
            int[] s = ts[i].shape();
            boolean ok = s.length == rank;
            for (int d = 0; ok && d < rank; d++) ok = d == a || s[d] == shape[d];
            if (!ok) {
                throw new IllegalArgumentException("concat: tensor " + i + " " + Shape.str(s) + " does not match tensor 0 "
                        + Shape.str(shape) + " outside axis " + a);
            }
            total += s[a];
        }
        shape[a] = total;
        Backend be = Backends.of("concat", ts);
        Tensor out = Outputs.allocate(be, shape);
        int off = 0;
        for (Tensor t : ts) {
            int n = t.size(a);
            if (n > 0) be.copy(t, out.narrow(a, off, n));
            off += n;
        }
        return out;
    }

    /** Tensors of one shape joined along a new axis. */
    public static Tensor stack(int axis, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("stack: no tensors given");
        int a = Shape.axis("stack", axis, ts[0].dim() + 1);
        Tensor[] u = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            if (!ts[i].sameShape(ts[0])) {
                throw new IllegalArgumentException("stack: tensor " + i + " " + Outputs.str(ts[i]) + " differs from tensor 0 " + Outputs.str(ts[0]));
            }
            u[i] = ts[i].unsqueeze(a);
        }
        return concat(a, u);
    }

    /** Views of consecutive pieces of the given sizes along axis (sizes must add up to the dimension). */
    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        int a = Shape.axis("split", axis, x.dim());
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: negative size in " + Shape.str(sizes));
            sum += s;
        }
        if (sum != x.size(a)) {
            throw new IllegalArgumentException("split: sizes " + Shape.str(sizes) + " add up to " + sum + ", dimension " + a + " of "
                    + Outputs.str(x) + " is " + x.size(a));
        }
        Tensor[] out = new Tensor[sizes.length];
        for (int i = 0, off = 0; i < sizes.length; off += sizes[i++]) out[i] = x.narrow(a, off, sizes[i]);
        return out;
    }

    /** At most n views of ceil(size/n) along axis, the last one smaller (torch.chunk). */
    public static Tensor[] chunk(Tensor x, int axis, int n) {
        int a = Shape.axis("chunk", axis, x.dim());
        if (n < 1) throw new IllegalArgumentException("chunk: number of chunks must be >= 1, got " + n);
        int size = x.size(a), step = Math.max(1, (size + n - 1) / n);
        int count = size == 0 ? 1 : (size + step - 1) / step;
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) sizes[i] = Math.min(step, size - i * step);
        return split(x, a, sizes);
    }

    /**
     * Constant padding as torch.nn.functional.pad: pads holds (before, after) pairs starting from the last
     * dimension; negative amounts crop.
     */
    public static Tensor pad(Tensor x, int[] pads, float value) {
        if (pads.length % 2 != 0 || pads.length > 2 * x.dim()) {
            throw new IllegalArgumentException("pad: " + pads.length + " pad values for " + Outputs.str(x)
                    + "; expected (before, after) pairs for at most " + x.dim() + " dimensions");
        }
        int[] shape = x.shape();
        Tensor src = x;
        int[] dstStart = new int[shape.length];
        for (int i = 0; i < pads.length / 2; i++) {
            int d = shape.length - 1 - i, before = pads[2 * i], after = pads[2 * i + 1];
            int size = shape[d] + before + after;
            if (size < 0) {
                throw new IllegalArgumentException("pad: pads " + Shape.str(pads) + " leave dimension " + d + " of " + Outputs.str(x)
                        + " with negative size " + size);
            }
            int cropStart = Math.max(0, -before), keep = Math.max(0, shape[d] - cropStart - Math.max(0, -after));
            src = src.narrow(d, Math.min(cropStart, shape[d]), keep);
            dstStart[d] = Math.max(0, before);
            shape[d] = size;
        }
        Backend be = Backends.of("pad", x);
        Tensor out = value == 0f ? Outputs.allocate(be, shape) : Tensor.full(value, shape).to(be.device());
        if (src.numel() > 0) {
            Tensor dst = out;
            for (int d = 0; d < shape.length; d++) dst = dst.narrow(d, dstStart[d], src.size(d));
            be.copy(src, dst);
        }
        return out;
    }

    private static void checkIds(String op, int[] ids, int n, String what) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= n) {
                throw new IndexOutOfBoundsException(op + ": index " + ids[i] + " at position " + i + " is outside " + what
                        + " (valid: 0.." + (n - 1) + ")");
            }
        }
    }
}
