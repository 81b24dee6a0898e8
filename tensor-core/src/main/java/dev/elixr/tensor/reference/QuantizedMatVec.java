package dev.elixr.tensor.reference;

import dev.elixr.tensor.matvec.QuantizedMatrix;

/** Reference y = W·x for a block-quantised W: each weight dequantised on its own ({@link QuantizedMatrix#get}), double sums. */
public final class QuantizedMatVec {
    private QuantizedMatVec() {}

    public static float[] matvec(QuantizedMatrix w, float[] x) {
        float[] y = new float[w.rows()];
        for (int r = 0; r < w.rows(); r++) {
            double s = 0;
            for (int c = 0; c < w.cols(); c++) s += (double) w.get(r, c) * x[c];
            y[r] = (float) s;
        }
        return y;
    }
}
