package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Storage;
import dev.elixr.tensor.Tensor;

/**
 * Copies any host view into another host view of the same shape (the destination may itself be a
 * strided view, e.g. a narrowed slice of a concat output), walking both tensors' strides.
 */
final class StridedCopy {
    private StridedCopy() {}

    static void copy(Tensor src, Tensor dst) {
        if (!src.sameShape(dst)) {
            throw new IllegalArgumentException("copy: source " + dev.elixr.tensor.Shape.str(src.shape())
                    + " and destination " + dev.elixr.tensor.Shape.str(dst.shape()) + " differ in shape");
        }
        if (src.numel() == 0) return;
        float[] in = src.storage().array(), out = dst.storage().array();
        Storage s = src.storage(), d = dst.storage();
        var loop = new StridedLoop(dst, src);
        int is = loop.innerStrides[1], os = loop.innerStrides[0];
        loop.forEachChunk(1 << 16, (b, n) -> {
            int o = b[0], i = b[1];
            if (in != null && out != null) {
                if (is == 1 && os == 1) System.arraycopy(in, i, out, o, n);
                else for (int k = 0; k < n; k++) out[o + k * os] = in[i + k * is];
            } else {
                for (int k = 0; k < n; k++) d.set(o + (long) k * os, s.get(i + (long) k * is));
            }
        });
    }
}
