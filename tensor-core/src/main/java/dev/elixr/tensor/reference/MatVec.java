package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;

/** Reference y = W·x for W [rows, cols] of any stored type and layout: each element widened to float, double sums. */
public final class MatVec {
    private MatVec() {}

    public static float[] matvec(Tensor w, float[] x) {
        int rows = w.size(0), cols = w.size(1);
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int k = 0; k < cols; k++) s += (double) w.get(r, k) * x[k];
            y[r] = (float) s;
        }
        return y;
    }
}
