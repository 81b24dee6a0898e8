package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.Finding.Laterality;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the 13 CheXpert findings as radiologists see them on a frontal film. {@link #adjust} changes the geometry
 * (cardiothoracic ratio, mediastinal width, hemidiaphragm elevation from volume loss, pneumothorax rim, broken
 * ribs) before the anatomy is drawn; {@link #draw} adds air-space opacity, pleural fluid and support devices.
 * Conspicuity scales with the {@link Difficulty}.
 */
final class FindingRenderer {
    private FindingRenderer() {}

    static int sev(Finding f) { return f.severity() == null ? 1 : f.severity().ordinal(); }

    static int[] sides(Finding f) {
        return f.laterality() == null || f.laterality() == Laterality.BILATERAL ? new int[] {-1, 1} : new int[] {Thorax.side(f.laterality())};
    }

    static float jitter(SplittableRandom r, float x) { return x * (0.85f + 0.3f * r.nextFloat()); }

    static void adjust(Thorax t, List<Finding> findings, Difficulty d, SplittableRandom r) {
        float c = d.conspicuity;
        for (Finding f : findings) {
            int s = sev(f);
            switch (f.label()) {
                case CARDIOMEGALY -> {
                    float[] lo = {0.525f, 0.565f, 0.615f}, hi = {0.565f, 0.615f, 0.68f};
                    float target = lo[s] + r.nextFloat() * (hi[s] - lo[s]);
                    t.ctr = Math.max(t.ctr, 0.5f + (target - 0.5f) * c) * (t.a.ap() ? 1.06f : 1f);
                }
                case ENLARGED_CARDIOMEDIASTINUM -> {
                    t.mediastinumExtra = jitter(r, new float[] {0.009f, 0.016f, 0.026f}[s] * c);
                    t.knob = 1.1f + 0.1f * s;
                }
                case ATELECTASIS -> {
                    if (s > 0) for (int side : sides(f)) t.domeRaise[Thorax.idx(side)] += jitter(r, (0.012f + 0.012f * s) * c);
                }
                case PNEUMOTHORAX -> {
                    for (int side : sides(f)) {
                        t.ptxRim[Thorax.idx(side)] = jitter(r, new float[] {0.03f, 0.06f, 0.1f}[s] * (0.6f + 0.4f * c));
                        t.ptxEnd[Thorax.idx(side)] = t.a.apexY() + t.a.lungHeight() * new float[] {0.45f, 0.75f, 1.1f}[s];
                    }
                }
                case FRACTURE -> {
                    int side = sides(f)[0];
                    int base = f.zone() == null ? 3 : f.zone().ordinal() * 3 + 1;
                    int rib = Math.clamp(base + r.nextInt(3), 1, 9);
                    boolean healing = "healing".equals(f.kind());
                    t.fractures.add(new Thorax.RibFracture(side, rib, 0.72f + 0.2f * r.nextFloat(),
                            (0.008f + 0.004f * s) * c, (0.004f + 0.003f * s) * c * (r.nextBoolean() ? 1 : -1),
                            healing ? 0.3f * c : 0.1f * c));
                }
                case EDEMA -> t.upperVesselBoost = 1.25f + 0.25f * s * c;
                default -> {}
            }
        }
    }

    static void draw(Radiograph g, Thorax t, List<Finding> findings, Difficulty d, SplittableRandom r) {
        float c = d.conspicuity;
        for (Finding f : findings) {
            int s = sev(f);
            switch (f.label()) {
                case CONSOLIDATION -> consolidation(g.opacity, t, f, s, c, r);
                case PNEUMONIA -> patchy(g.opacity, t, f, 3 + 2 * s, new float[] {0.022f, 0.03f, 0.038f}[s], 0.42f * c, r);
                case LUNG_OPACITY -> patchy(g.opacity, t, f, 2 + s, new float[] {0.028f, 0.04f, 0.052f}[s], 0.36f * c, r);
                case EDEMA -> edema(g.opacity, t, s, c, r);
                case ATELECTASIS -> atelectasis(g.opacity, t, f, s, c, r);
                case LUNG_LESION -> lesion(g.opacity, t, f, s, c, r);
                case PLEURAL_EFFUSION -> effusion(g.opacity, t, f, s, c, r);
                case PNEUMOTHORAX -> pleuralLine(g.dense, t, f, c);
                case PLEURAL_OTHER -> thickening(g.opacity, t, f, s, c, r);
                case SUPPORT_DEVICES -> Devices.draw(g.devices, t, f, r);
                default -> {}
            }
        }
    }

    private static void consolidation(Raster o, Thorax t, Finding f, int s, float c, SplittableRandom r) {
        float rad = jitter(r, new float[] {0.04f, 0.06f, 0.085f}[s]) * (0.75f + 0.25f * c);
        for (int side : sides(f)) {
            float[] p = t.point(side, f.zone(), 0.3f + 0.4f * r.nextFloat(), 0.35f + 0.35f * r.nextFloat());
            for (int k = 0; k < 4; k++) {
                float ox = (r.nextFloat() - 0.5f) * rad, oy = (r.nextFloat() - 0.5f) * rad;
                o.gaussian(p[0] + ox, p[1] + oy, rad * 0.55f, rad * 0.5f, 0.42f * c);
            }
            for (int k = 0; k < 2 + s; k++) {                    // air bronchograms
                float a = (float) (r.nextDouble() * Math.PI);
                float x0 = p[0] + (r.nextFloat() - 0.5f) * rad * 0.6f, y0 = p[1] + (r.nextFloat() - 0.5f) * rad * 0.6f;
                float len = rad * 0.7f;
                o.stroke(new float[] {x0, x0 + len * (float) StrictMath.cos(a), x0 + len * 1.6f * (float) StrictMath.cos(a + 0.3)},
                        new float[] {y0, y0 + len * (float) StrictMath.sin(a), y0 + len * 1.6f * (float) StrictMath.sin(a + 0.3)},
                        0.0022f, -0.45f * c, 0);
            }
        }
    }

    private static void patchy(Raster o, Thorax t, Finding f, int blobs, float sigma, float amp, SplittableRandom r) {
        for (int side : sides(f)) {
            for (int k = 0; k < blobs; k++) {
                float[] p = t.point(side, f.zone(), r.nextFloat(), 0.2f + 0.65f * r.nextFloat());
                o.gaussian(p[0], p[1], jitter(r, sigma), jitter(r, sigma), amp * (0.7f + 0.5f * r.nextFloat()));
            }
        }
    }

    private static void edema(Raster o, Thorax t, int s, float c, SplittableRandom r) {
        float amp = new float[] {0.14f, 0.25f, 0.4f}[s] * c;
        for (int side = -1; side <= 1; side += 2) {
            float[] h = t.hilum(side);
            o.gaussian(h[0] + side * 0.05f, h[1], 0.08f, 0.11f, amp);
            o.gaussian(h[0] + side * 0.12f, h[1] + 0.07f, 0.09f, 0.09f, amp * 0.5f);
            int lines = 4 + 3 * s;                                // Kerley B lines at the lateral bases
            for (int k = 0; k < lines; k++) {
                float y = t.costophrenic(side) - 0.03f - 0.12f * r.nextFloat();
                float dl = t.lateral(y);
                float x1 = t.cx() + side * (dl - 0.003f), x0 = x1 - side * jitter(r, 0.024f);
                o.line(x0, y, x1, y, 0.0022f, 0.5f * c);
            }
        }
    }

    private static void atelectasis(Raster o, Thorax t, Finding f, int s, float c, SplittableRandom r) {
        for (int side : sides(f)) {
            float[] p = t.point(side, f.zone() == null ? Finding.Zone.LOWER : f.zone(), 0.3f + 0.5f * r.nextFloat(), 0.3f + 0.4f * r.nextFloat());
            float len = jitter(r, new float[] {0.07f, 0.1f, 0.13f}[s]);
            float ang = (r.nextFloat() - 0.5f) * 0.4f;
            float dx = (float) StrictMath.cos(ang) * len / 2, dy = (float) StrictMath.sin(ang) * len / 2;
            o.line(p[0] - dx, p[1] - dy, p[0] + dx, p[1] + dy, new float[] {0.006f, 0.008f, 0.01f}[s] * (0.7f + 0.3f * c), 0.42f * c);
            o.gaussian(p[0], p[1] + 0.01f, len * 0.35f, 0.02f, 0.12f * c * (1 + s));
            if (s == 2) {                                          // lobar collapse beside the heart
                float y = t.dome(side, t.medial(p[1])) - 0.06f;
                o.gaussian(t.cx() + side * (t.medial(y) + 0.03f), y, 0.035f, 0.05f, 0.5f * c);
            }
        }
    }

    private static void lesion(Raster o, Thorax t, Finding f, int s, float c, SplittableRandom r) {
        boolean mass = "mass".equals(f.kind());
        float rad = mass ? new float[] {0.035f, 0.048f, 0.065f}[s] : new float[] {0.015f, 0.019f, 0.025f}[s];
        rad = jitter(r, rad) * (0.75f + 0.25f * c);
        for (int side : sides(f)) {
            float[] p = t.point(side, f.zone(), 0.3f + 0.4f * r.nextFloat(), 0.35f + 0.4f * r.nextFloat());
            float amp = Math.min(1f, 0.85f * c);
            o.ellipse(p[0], p[1], rad, rad * jitter(r, 0.95f), 0, amp, 1.5f * o.aa, 0.4f);
            if (mass) {
                for (int k = 0; k < 2; k++) {
                    double a = r.nextDouble() * 2 * Math.PI;
                    o.ellipse(p[0] + 0.6f * rad * (float) StrictMath.cos(a), p[1] + 0.6f * rad * (float) StrictMath.sin(a), rad * 0.6f, rad * 0.6f, 0, amp * 0.6f, 1.5f * o.aa, 0.4f);
                }
            }
        }
    }

    private static void effusion(Raster o, Thorax t, Finding f, int s, float c, SplittableRandom r) {
        float hgt = jitter(r, new float[] {0.04f, 0.11f, 0.2f}[s]) * (0.6f + 0.4f * c);
        int n = o.size;
        for (int side : sides(f)) {
            float cp = t.costophrenic(side);
            float layering = t.a.ap() ? 0.1f + 0.1f * s : 0f;   // supine: fluid layers posteriorly, a veil over the hemithorax
            for (int j = 0; j < n; j++) {
                float y = o.c(j);
                if (y < t.a.apexY()) continue;
                float lat = t.lateral(y);
                for (int i = 0; i < n; i++) {
                    float x = o.c(i);
                    float dx = (x - t.cx()) * side;
                    if (dx <= 0) continue;
                    float u = Math.clamp(dx / lat, 0f, 1f);
                    float level = cp - hgt * (0.25f + 0.75f * u * u);   // meniscus: higher at the lateral wall
                    float fluid = Raster.smooth(level - 0.012f, level + 0.004f, y);
                    float veil = layering * Raster.smooth(t.a.apexY(), cp, y);
                    o.v[j * n + i] += (fluid + veil) * Math.min(1f, c);
                }
            }
        }
    }

    private static void pleuralLine(Raster d, Thorax t, Finding f, float c) {
        for (int side : sides(f)) {
            int i = Thorax.idx(side);
            float rim = t.ptxRim[i], end = Math.min(t.ptxEnd[i], t.costophrenic(side) - 0.02f);
            int n = 16;
            float[] xs = new float[n], ys = new float[n];
            for (int k = 0; k < n; k++) {
                float y = t.a.apexY() + rim * 1.2f + 0.01f + k / (n - 1f) * (end - t.a.apexY() - rim * 1.2f - 0.01f);
                float taper = 1 - Raster.smooth(end - 0.04f, end, y);
                xs[k] = t.cx() + side * (t.lateral(y) - rim * taper);
                ys[k] = y;
            }
            d.stroke(xs, ys, 0.0018f, 0.22f * Math.min(1.2f, c), 0);
        }
    }

    private static void thickening(Raster o, Thorax t, Finding f, int s, float c, SplittableRandom r) {
        float th = new float[] {0.01f, 0.015f, 0.021f}[s] * (0.7f + 0.3f * c);
        float[] zr = f.zone() == null ? new float[] {t.a.apexY() + 0.05f, t.costophrenic(1) - 0.05f} : t.zone(f.zone());
        for (int side : sides(f)) {
            int n = 10;
            float[] xs = new float[n], ys = new float[n];
            for (int k = 0; k < n; k++) {
                float y = zr[0] + k / (n - 1f) * (zr[1] - zr[0]);
                xs[k] = t.cx() + side * (t.lateral(y) - th * 0.6f);
                ys[k] = y;
            }
            o.stroke(xs, ys, th, 0.8f * Math.min(1f, c), 0);
        }
    }
}
