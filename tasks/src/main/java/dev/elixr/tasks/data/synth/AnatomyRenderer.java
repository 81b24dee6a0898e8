package dev.elixr.tasks.data.synth;

import java.util.SplittableRandom;

/**
 * Draws normal anatomy into the layers of a {@link Radiograph}: heart, mediastinum, aortic knob, trachea and main
 * bronchi, hila, pulmonary vessels branching from the hila, spine, clavicles, posterior and anterior ribs
 * (with any fractures), humeral heads, breast shadows and the gastric air bubble.
 */
final class AnatomyRenderer {
    private AnatomyRenderer() {}

    static void draw(Radiograph r, Thorax t, SplittableRandom rng) {
        Anatomy a = t.a;
        float cx = t.cx();
        Raster dense = r.dense;
        // heart: a tilted ellipse whose chord gives its density
        float[] h = t.heart();
        dense.ellipse(h[0], h[1], h[2], h[3], h[4], 0.62f, 2.5f * dense.aa, 1f);
        // mediastinum above the heart, widened when the finding asks
        for (int side = -1; side <= 1; side += 2) {
            float mw = t.medial(a.apexY() + 0.05f);
            dense.ellipse(cx + side * 0.2f * mw, a.apexY() + 0.12f, mw * 0.9f, 0.17f, 0, 0.2f, 3 * dense.aa, 0.6f);
        }
        // aortic knob on the patient's left (image right)
        dense.ellipse(cx + t.medial(a.apexY() + 0.1f) - 0.004f, a.apexY() + 0.115f, 0.024f * t.knob, 0.022f * t.knob, 0, 0.28f, 2 * dense.aa, 1f);
        // trachea and main bronchi (air: negative density)
        float carina = t.carinaY();
        dense.stroke(new float[] {cx, cx, cx + 0.002f}, new float[] {0f, a.apexY(), carina}, 0.012f, -0.22f, 0);
        dense.stroke(new float[] {cx, cx - 0.035f, cx - 0.065f}, new float[] {carina, carina + 0.03f, carina + 0.06f}, 0.008f, -0.14f, 0);
        dense.stroke(new float[] {cx, cx + 0.04f, cx + 0.075f}, new float[] {carina, carina + 0.035f, carina + 0.075f}, 0.008f, -0.14f, 0);
        // hila
        for (int side = -1; side <= 1; side += 2) {
            float[] hl = t.hilum(side);
            dense.gaussian(hl[0], hl[1], 0.02f, 0.03f, 0.16f);
        }
        spine(dense, t);
        clavicles(dense, t);
        ribs(dense, t);
        // humeral heads and shoulders at the top corners
        for (int side = -1; side <= 1; side += 2) {
            dense.ellipse(cx + side * (a.halfWidth() + a.fat() + 0.035f), a.apexY() - 0.01f, 0.055f, 0.065f, 0, 0.32f, 2 * dense.aa, 1f);
        }
        // breast shadows over the lower lung fields
        if (a.breast() > 0.01f) {
            for (int side = -1; side <= 1; side += 2) {
                dense.ellipse(cx + side * 0.62f * a.halfWidth(), a.domeY() + 0.02f, 0.15f, 0.09f, 0, a.breast(), 0.03f, 0.5f);
            }
        }
        // gastric air bubble below the left hemidiaphragm
        if (a.stomachBubble()) {
            float x = cx + 0.45f * a.halfWidth();
            dense.ellipse(x, t.dome(1, 0.45f * a.halfWidth()) + 0.045f, 0.05f, 0.025f, 0, -0.22f, 0.01f, 1f);
        }
        vessels(r.vessels, t, rng);
    }

    private static void spine(Raster d, Thorax t) {
        float cx = t.cx();
        d.ellipse(cx, 0.5f, 0.032f, 0.8f, 0, 0.10f, 2 * d.aa, 0.6f);
        for (float y = 0.02f; y < 1f; y += 0.042f) {
            d.line(cx - 0.03f, y, cx + 0.03f, y, 0.003f, -0.07f);
            d.ellipse(cx - 0.022f, y + 0.018f, 0.006f, 0.009f, 0, 0.08f, d.aa, 0f);
            d.ellipse(cx + 0.022f, y + 0.018f, 0.006f, 0.009f, 0, 0.08f, d.aa, 0f);
        }
    }

    private static void clavicles(Raster d, Thorax t) {
        Anatomy a = t.a;
        for (int side = -1; side <= 1; side += 2) {
            int n = 8;
            float[] xs = new float[n], ys = new float[n];
            for (int k = 0; k < n; k++) {
                float u = k / (n - 1f);
                xs[k] = t.cx() + side * (0.035f + u * (a.halfWidth() + 0.02f));
                ys[k] = a.apexY() + 0.055f - 0.07f * u + 0.02f * (float) StrictMath.sin(Math.PI * u * 2);
            }
            d.stroke(xs, ys, 0.011f, 0.30f, 0.5f);
        }
    }

    /** Posterior ribs 1..10 (and the upper anterior ribs) on both sides, with any fractures. */
    private static void ribs(Raster d, Thorax t) {
        Anatomy a = t.a;
        float spacing = (a.domeY() + 0.07f - a.apexY()) / 9.5f;
        float thick = a.ribThickness() * 0.5f;
        for (int side = -1; side <= 1; side += 2) {
            for (int i = 0; i < 10; i++) {
                float level = a.apexY() - 0.012f + i * spacing;
                float ext = Math.min(1.04f, 0.5f + 0.13f * i);
                Thorax.RibFracture fx = null;
                for (Thorax.RibFracture f : t.fractures) if (f.side() == side && f.rib() == i) fx = f;
                if (fx == null) {
                    posterior(d, t, side, level, 0.06f, ext, 0f, thick);
                } else {
                    float at = Math.min(fx.at(), ext - 0.05f);
                    posterior(d, t, side, level, 0.06f, at - fx.gap() / 2, 0f, thick);
                    posterior(d, t, side, level, at + fx.gap() / 2, ext, fx.step(), thick);
                    float x = t.cx() + side * at * a.halfWidth();
                    float y = ribY(level, at) + fx.step() / 2;
                    if (fx.callus() > 0) d.ellipse(x, y, 0.022f, 0.016f, 0, fx.callus(), 2 * d.aa, 1f);
                }
                if (i < 7) {
                    int n = 6;
                    float[] xs = new float[n], ys = new float[n];
                    float y0 = ribY(level, ext);
                    for (int k = 0; k < n; k++) {
                        float u = ext - k / (n - 1f) * (ext - 0.3f);
                        xs[k] = t.cx() + side * u * a.halfWidth();
                        ys[k] = y0 + 0.16f * (ext - u) * (ext - u) + 0.05f * (ext - u);
                    }
                    d.stroke(xs, ys, thick * 0.9f, 0.07f, 0.3f);
                }
            }
        }
    }

    private static float ribY(float level, float u) { return level - 0.03f * u + 0.085f * u * u * u; }

    private static void posterior(Raster d, Thorax t, int side, float level, float from, float to, float step, float thick) {
        if (to <= from) return;
        int n = 10;
        float[] xs = new float[n], ys = new float[n];
        for (int k = 0; k < n; k++) {
            float u = from + k / (n - 1f) * (to - from);
            xs[k] = t.cx() + side * u * t.w();
            ys[k] = ribY(level, u) + step;
        }
        d.stroke(xs, ys, thick, 0.15f, 0.55f);
    }

    /** Pulmonary vessels: branching random walks from each hilum, thinning towards the periphery. */
    private static void vessels(Raster v, Thorax t, SplittableRandom rng) {
        for (int side = -1; side <= 1; side += 2) {
            float[] hl = t.hilum(side);
            int roots = 13;
            for (int k = 0; k < roots; k++) {
                double angle = Math.toRadians(-75 + 160.0 * (k + rng.nextDouble() * 0.8) / roots);
                float ox = side * 0.015f * rng.nextFloat(), oy = 0.03f * (rng.nextFloat() - 0.5f);
                branch(v, t, rng, side, hl[0] + ox, hl[1] + oy, angle, 0.005f, 0.11f, 7, 0);
            }
        }
    }

    private static void branch(Raster v, Thorax t, SplittableRandom rng, int side, float x, float y, double angle,
                               float hw, float amp, int steps, int depth) {
        float[] xs = new float[steps + 1], ys = new float[steps + 1];
        xs[0] = x; ys[0] = y;
        double a = angle;
        for (int s = 1; s <= steps; s++) {
            a += (rng.nextDouble() - 0.5) * 0.5;
            float len = 0.022f + 0.01f * rng.nextFloat();
            xs[s] = xs[s - 1] + side * (float) (StrictMath.cos(a) * len);
            ys[s] = ys[s - 1] + (float) (StrictMath.sin(a) * len);
        }
        float boost = ys[steps / 2] < t.a.apexY() + 0.35f * t.a.lungHeight() ? t.upperVesselBoost : 1f;
        v.stroke(xs, ys, hw, amp * boost, 0);
        if (depth < 2) {
            int kids = 1 + rng.nextInt(2);
            for (int c = 0; c < kids; c++) {
                int at = 1 + rng.nextInt(steps - 1);
                branch(v, t, rng, side, xs[at], ys[at], a + (rng.nextDouble() - 0.5) * 1.4, hw * 0.6f, amp * 0.7f,
                        Math.max(3, steps - 2), depth + 1);
            }
        }
    }
}
