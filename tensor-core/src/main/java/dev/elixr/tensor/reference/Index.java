package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;

import java.util.Arrays;

/** Reference gathers, joins and splits, element by element (results are fresh contiguous tensors). */
public final class Index {
    private Index() {}

    public static Tensor embedding(Tensor table, int[] ids, int... idShape) {
        int d = table.size(1);
        double[] out = new double[ids.length * d];
        for (int i = 0; i < ids.length; i++) for (int c = 0; c < d; c++) out[i * d + c] = table.get(ids[i], c);
        int[] shape = Arrays.copyOf(idShape.length == 0 ? new int[] {ids.length} : idShape, Math.max(1, idShape.length) + 1);
        shape[shape.length - 1] = d;
        return Nd.tensor(out, shape);
    }

    public static Tensor indexSelect(Tensor x, int axis, int[] idx) {
        int a = axis < 0 ? axis + x.dim() : axis;
        int[] shape = x.shape();
        shape[a] = idx.length;
        double[] out = new double[Nd.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] ix = Nd.unravel(i, shape);
            ix[a] = idx[ix[a]];
            out[i] = x.get(ix);
        }
        return Nd.tensor(out, shape);
    }

    public static Tensor concat(int axis, Tensor... ts) {
        int a = axis < 0 ? axis + ts[0].dim() : axis;
        int[] shape = ts[0].shape();
        shape[a] = 0;
        for (Tensor t : ts) shape[a] += t.size(a);
        double[] out = new double[Nd.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] ix = Nd.unravel(i, shape);
            int t = 0;
            while (ix[a] >= ts[t].size(a)) ix[a] -= ts[t++].size(a);
            out[i] = ts[t].get(ix);
        }
        return Nd.tensor(out, shape);
    }

    public static Tensor stack(int axis, Tensor... ts) {
        int a = axis < 0 ? axis + ts[0].dim() + 1 : axis;
        Tensor[] u = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) u[i] = ts[i].unsqueeze(a);
        return concat(a, u);
    }

    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        int a = axis < 0 ? axis + x.dim() : axis;
        Tensor[] out = new Tensor[sizes.length];
        int off = 0;
        for (int p = 0; p < sizes.length; p++) {
            int[] shape = x.shape();
            shape[a] = sizes[p];
            double[] v = new double[Nd.numel(shape)];
            for (int i = 0; i < v.length; i++) {
                int[] ix = Nd.unravel(i, shape);
                ix[a] += off;
                v[i] = x.get(ix);
            }
            out[p] = Nd.tensor(v, shape);
            off += sizes[p];
        }
        return out;
    }

    public static Tensor[] chunk(Tensor x, int axis, int n) {
        int a = axis < 0 ? axis + x.dim() : axis;
        int size = x.size(a), step = Math.max(1, (size + n - 1) / n);
        int count = size == 0 ? 1 : (size + step - 1) / step;
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) sizes[i] = Math.min(step, size - i * step);
        return split(x, a, sizes);
    }

    public static Tensor pad(Tensor x, int[] pads, float value) {
        int r = x.dim();
        int[] shape = x.shape(), before = new int[r];
        for (int i = 0; i < pads.length / 2; i++) {
            int d = r - 1 - i;
            before[d] = pads[2 * i];
            shape[d] += pads[2 * i] + pads[2 * i + 1];
        }
        double[] out = new double[Nd.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] ix = Nd.unravel(i, shape);
            boolean inside = true;
            for (int d = 0; d < r; d++) {
                ix[d] -= before[d];
                inside &= ix[d] >= 0 && ix[d] < x.size(d);
            }
            out[i] = inside ? x.get(ix) : value;
        }
        return Nd.tensor(out, shape);
    }

    /** A zero [rows, D...] tensor with src's rows added at ids. */
    public static Tensor scatterAddRows(Tensor src, int[] ids, int rows) {
        int[] shape = src.shape();
        shape[0] = rows;
        int d = Nd.numel(shape) / Math.max(1, rows);
        double[] out = new double[rows * d];
        for (int i = 0; i < ids.length; i++) for (int j = 0; j < d; j++) out[ids[i] * d + j] += src.getFlat(i * d + j);
        return Nd.tensor(out, shape);
    }
}
