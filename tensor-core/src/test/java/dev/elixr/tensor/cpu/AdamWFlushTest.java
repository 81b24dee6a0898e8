package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.AdamWStep;
import org.junit.jupiter.api.Test;

import static dev.elixr.tensor.cpu.Simd.L;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link CpuOptimizerStep#adamW} stores moments below Float.MIN_NORMAL as +0 (flush to zero) and every other moment as
 * the float formula gives it, in the vector lanes and in the scalar tail alike; normal ones also against a float64 step.
 */
class AdamWFlushTest {
    @Test
    void subnormalMomentsAreStoredAsZeroAndNormalOnesFollowTheFormula() {
        int n = 3 * L + 5; // whole vectors and a tail
        float[] w = new float[n], g = new float[n], m = new float[n], v = new float[n];
        float[][] cases = { // {m, v, g}: subnormal m with no gradient, a subnormal v, negative subnormal m, normal ones
                {1e-39f, 1e-6f, 0f}, {2e-3f, 1e-40f, 0f}, {-3e-39f, 1e-6f, 0f}, {1e-3f, 1e-6f, 0.5f}, {-4e-3f, 2e-5f, -0.25f}};
        for (int i = 0; i < n; i++) {
            float[] c = cases[i % cases.length];
            w[i] = 0.01f * (i + 1);
            m[i] = c[0];
            v[i] = c[1];
            g[i] = c[2];
        }
        float[] w0 = w.clone(), m0 = m.clone(), v0 = v.clone();
        AdamWStep st = new AdamWStep(1e-3, 0.9, 0.999, 1e-8, 0, 100);
        CpuOptimizerStep.adamW(Tensor.wrap(w, n), Tensor.wrap(g, n), Tensor.wrap(m, n), Tensor.wrap(v, n), st);
        float b1 = 0.9f, b2 = 0.999f, c1 = 1 - b1, c2 = 1 - b2;
        for (int i = 0; i < n; i++) {
            float mj = m0[i] * b1 + g[i] * c1, vj = v0[i] * b2 + g[i] * g[i] * c2;
            if (Math.abs(mj) < Float.MIN_NORMAL) mj = 0f;
            if (vj < Float.MIN_NORMAL) vj = 0f;
            float wj = w0[i] + (mj / ((float) Math.sqrt(vj) / st.bias2Sqrt() + (float) st.eps())) * -st.stepSize();
            String at = "element " + i + (i >= n - 5 ? " (tail)" : " (vector)") + " from m " + m0[i] + ", v " + v0[i];
            assertEquals(Float.floatToRawIntBits(mj), Float.floatToRawIntBits(m[i]), "m at " + at);
            assertEquals(Float.floatToRawIntBits(vj), Float.floatToRawIntBits(v[i]), "v at " + at);
            assertEquals(Float.floatToRawIntBits(wj), Float.floatToRawIntBits(w[i]), "w at " + at);
            if (i % cases.length == 0 || i % cases.length == 2) {
                assertEquals(0, Float.floatToRawIntBits(m[i]), "a subnormal first moment is stored as +0 at " + at);
                assertEquals(Float.floatToRawIntBits(w0[i]), Float.floatToRawIntBits(w[i]), "its parameter does not move at " + at);
            }
            if (i % cases.length == 1) assertEquals(0, Float.floatToRawIntBits(v[i]), "a subnormal second moment is stored as +0 at " + at);
            if (i % cases.length >= 3) { // normal moments: the float64 AdamW step (Loshchilov and Hutter 2019) within a few ulp
                double b1d = 0.9f, b2d = 0.999f; // the betas as the kernel receives them, in float
                double md = b1d * m0[i] + (1 - b1d) * g[i], vd = b2d * v0[i] + (1 - b2d) * g[i] * g[i];
                double wd = w0[i] - 1e-3 / (1 - Math.pow(0.9, 100)) * md / (Math.sqrt(vd) / Math.sqrt(1 - Math.pow(0.999, 100)) + 1e-8);
                assertEquals(md, m[i], 1e-6 * Math.abs(md), "m against float64 at " + at);
                assertEquals(vd, v[i], 1e-6 * Math.abs(vd), "v against float64 at " + at);
                assertEquals(wd, w[i], 1e-6 * Math.abs(wd), "w against float64 at " + at);
            }
        }
    }
}
