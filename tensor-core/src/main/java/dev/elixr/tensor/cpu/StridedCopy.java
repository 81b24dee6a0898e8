package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Tensor;

/** Copies any host view into a contiguous host tensor of the same shape, walking the source's strides. */
final class StridedCopy {
    private StridedCopy() {}

    static void copy(Tensor src, Tensor dst) {
        int n = src.numel();
        float[] out = dst.storage().array();
        int base = dst.offset();
        float[] in = src.storage().array();
        if (src.isContiguous() && in != null && out != null) {
            System.arraycopy(in, src.offset(), out, base, n);
            return;
        }
        int rank = src.dim();
        int[] shape = src.shape(), strides = src.strides(), idx = new int[rank];
        int pos = src.offset();
        var s = src.storage();
        var d = dst.storage();
        for (int i = 0; i < n; i++) {
            if (in != null && out != null) out[base + i] = in[pos];
            else d.set(base + i, s.get(pos));
            for (int ax = rank - 1; ax >= 0; ax--) {
                if (++idx[ax] < shape[ax]) {
                    pos += strides[ax];
                    break;
                }
                pos -= strides[ax] * (shape[ax] - 1);
                idx[ax] = 0;
            }
        }
    }
}
