package dev.elixr.models.vision;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/**
 * Resizes a ViT's grid of learned position embeddings to another grid (Dosovitskiy et al. 2021, §3.2 "fine-tuning at
 * higher resolution"), by bicubic interpolation exactly as PyTorch's {@code interpolate(mode="bicubic",
 * align_corners=False)} with a = −0.75 and clamped borders. The interpolation is linear in the embeddings, so it is
 * applied as one matrix product and stays differentiable.
 */
public final class PositionInterpolation {
    private static final double A = -0.75;

    private PositionInterpolation() {}

    /** The [out, in] weights that resample a line of in values to out values. */
    public static double[][] bicubicWeights(int in, int out) {
        double[][] w = new double[out][in];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double src = scale * (o + 0.5) - 0.5;
            int base = (int) Math.floor(src);
            double t = src - base;
            double[] c = {cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)};
            for (int k = 0; k < 4; k++) {
                int idx = Math.min(Math.max(base - 1 + k, 0), in - 1);
                w[o][idx] += c[k];
            }
        }
        return w;
    }

    private static double cubic1(double x) { return ((A + 2) * x - (A + 3)) * x * x + 1; }

    private static double cubic2(double x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; }

    /** The [outH·outW, inH·inW] matrix of the separable 2-D resampling (row-major grids). */
    public static Tensor matrix(int inH, int inW, int outH, int outW) {
        double[][] wh = bicubicWeights(inH, outH), ww = bicubicWeights(inW, outW);
        float[] m = new float[outH * outW * inH * inW];
        int cols = inH * inW;
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                int row = (oy * outW + ox) * cols;
                for (int iy = 0; iy < inH; iy++) {
                    double a = wh[oy][iy];
                    if (a == 0) continue;
                    for (int ix = 0; ix < inW; ix++) m[row + iy * inW + ix] = (float) (a * ww[ox][ix]);
                }
            }
        }
        return Tensor.of(m, outH * outW, cols);
    }

    /** Grid embeddings [inH·inW, D] resampled to [outH·outW, D]. */
    public static Var resize(Var grid, int inH, int inW, int outH, int outW) {
        if (grid.size(0) != inH * inW) {
            throw new IllegalArgumentException("position grid has " + grid.size(0) + " rows, expected " + inH + "×" + inW);
        }
        if (inH == outH && inW == outW) return grid;
        return Var.of(matrix(inH, inW, outH, outW)).matmul(grid);
    }
}
