package dev.elixr.autograd;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

/** Finds NaN and ±Inf in tensors, for {@link AnomalyMode} and for training guards' detailed scans. */
public final class NonFinite {
    private NonFinite() {}

    /** The flat (row-major) index of the first NaN or infinite element, or -1 when every element is finite. */
    public static long firstIndex(Tensor t) {
        float[] v = t.contiguous().toFloatArray();
        for (int i = 0; i < v.length; i++) if (!Float.isFinite(v[i])) return i;
        return -1;
    }

    /** True when every element is finite. */
    public static boolean allFinite(Tensor t) { return firstIndex(t) < 0; }

    /**
     * "NaN at [1, 3] of [2, 8] (4 of 16 non-finite)": what is wrong with t, or null when it is all finite.
     * A full scan; call it only after a cheap check has fired.
     */
    public static String describe(Tensor t) {
        float[] v = t.contiguous().toFloatArray();
        int first = -1, count = 0;
        for (int i = 0; i < v.length; i++) {
            if (Float.isFinite(v[i])) continue;
            if (first < 0) first = i;
            count++;
        }
        if (first < 0) return null;
        return v[first] + " at " + Shape.str(position(first, t.shape())) + " of " + Shape.str(t.shape())
                + " (" + count + " of " + v.length + " non-finite)";
    }

    private static int[] position(int flat, int[] shape) {
        int[] p = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            p[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return p;
    }
}
