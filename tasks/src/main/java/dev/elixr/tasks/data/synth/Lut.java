package dev.elixr.tasks.data.synth;

import java.util.function.DoubleUnaryOperator;

/**
 * A function tabulated on [lo, hi] and read back by linear interpolation: the renderer's per-pixel exponentials
 * and powers at a fraction of their cost, and the same bytes on every CPU (tables are built with StrictMath).
 */
final class Lut {
    private final float lo, scale;
    private final float[] t;

    Lut(double lo, double hi, int n, DoubleUnaryOperator f) {
        this.lo = (float) lo;
        this.scale = (float) ((n - 1) / (hi - lo));
        t = new float[n + 1];
        for (int i = 0; i < n; i++) t[i] = (float) f.applyAsDouble(lo + i * (hi - lo) / (n - 1));
        t[n] = t[n - 1];
    }

    /** f(x), clamped to the table's range. */
    float at(float x) {
        float p = (x - lo) * scale;
        if (p <= 0) return t[0];
        if (p >= t.length - 2) return t[t.length - 2];
        int i = (int) p;
        float a = p - i;
        return t[i] + a * (t[i + 1] - t[i]);
    }

    /** exp(-q/2) for q = squared distance in standard deviations, 0..18 (zero beyond). */
    static final Lut GAUSS = new Lut(0, 18, 4096, q -> StrictMath.exp(-0.5 * q));
    /** (1 - u^2)^0.45 for u in 0..1: the soft-tissue chord across the body. */
    static final Lut CHORD = new Lut(0, 1, 2048, u -> StrictMath.pow(Math.max(0, 1 - u * u), 0.45));
}
