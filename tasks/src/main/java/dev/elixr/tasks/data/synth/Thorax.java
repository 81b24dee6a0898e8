package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.Finding;

import java.util.ArrayList;
import java.util.List;

/**
 * The geometry of one radiograph's thorax: lung fields, heart, mediastinum and hemidiaphragms, built from an
 * {@link Anatomy} and adjusted by findings (an enlarged heart, a widened mediastinum, an elevated hemidiaphragm,
 * a pneumothorax rim, a broken rib). Sides are image sides: -1 is the image's left (the patient's right).
 */
final class Thorax {
    final Anatomy a;
    float ctr;
    float mediastinumExtra;
    final float[] domeRaise = new float[2];
    final float[] ptxRim = new float[2];
    final float[] ptxEnd = new float[2];
    float upperVesselBoost = 1f;
    float knob = 1f;
    final List<RibFracture> fractures = new ArrayList<>();

    /** A broken posterior rib: which side and rib, where along it (fraction of the half-width), gap and step-off. */
    record RibFracture(int side, int rib, float at, float gap, float step, float callus) {}

    Thorax(Anatomy a) {
        this.a = a;
        this.ctr = a.ctr();
    }

    static int side(Finding.Laterality l) { return l == Finding.Laterality.RIGHT ? -1 : 1; }

    static int idx(int side) { return side < 0 ? 0 : 1; }

    float cx() { return a.cx(); }

    float w() { return a.halfWidth(); }

    float carinaY() { return a.apexY() + 0.14f; }

    /** Distance from the midline of the lateral lung edge (the inner rib cage) at height y. */
    float lateral(float y) {
        float t = Math.clamp((y - a.apexY()) / (0.5f * a.lungHeight()), 0f, 1f);
        return w() * (0.42f + 0.58f * (float) Math.sqrt(t));
    }

    /** Half-width of the mediastinum (the medial lung edge) at height y. */
    float medial(float y) {
        float upper = 1 - Raster.smooth(a.apexY() + 0.16f, a.apexY() + 0.26f, y);
        return a.mediastinumHalfWidth() + mediastinumExtra * upper;
    }

    /** Top of the lung field at distance dx from the midline. */
    float top(float dx) {
        float u = (dx - 0.5f * w()) / (0.32f * w());
        return a.apexY() + 0.05f * u * u;
    }

    /** Hemidiaphragm (lung base) at distance dx from the midline on a side. */
    float dome(int side, float dx) {
        float peak = 0.42f * w();
        float u = (dx - peak) / (w() - peak);
        float drop = u > 0 ? a.domeCurve() * u * u : 0.9f * a.domeCurve() * u * u;
        return a.dome(side) - domeRaise[idx(side)] + drop;
    }

    /** The lowest point of the lung (costophrenic angle) on a side. */
    float costophrenic(int side) { return dome(side, w()); }

    /** Lung-field mask in [0, 1] at (x, y): soft edges about a pixel wide. */
    float lung(float x, float y, float soft) {
        float dx = x - cx();
        int side = dx < 0 ? -1 : 1;
        dx = Math.abs(dx);
        float m = Raster.smooth(-soft, soft, dx - medial(y));
        if (m <= 0) return 0;
        m *= Raster.smooth(-soft, soft, lateral(y) - dx);
        if (m <= 0) return 0;
        m *= Raster.smooth(-soft, soft, y - top(dx));
        if (m <= 0) return 0;
        return m * Raster.smooth(-soft, soft, dome(side, dx) - y);
    }

    /** Whether (x, y) lies in the pneumothorax space on its side (between chest wall and visceral pleura). */
    float pneumothorax(float x, float y, float soft) {
        float dx = x - cx();
        int i = dx < 0 ? 0 : 1;
        float rim = ptxRim[i];
        if (rim <= 0) return 0;
        dx = Math.abs(dx);
        float end = ptxEnd[i];
        float taper = 1 - Raster.smooth(end - 0.04f, end, y);
        float r = rim * taper;
        float lat = Raster.smooth(-soft, soft, dx - (lateral(y) - r));
        float apical = Raster.smooth(-soft, soft, top(dx) + r * 1.2f - y);
        return Math.max(lat, apical) * (r > 0.002f ? 1 : 0);
    }

    /** Heart silhouette: centre, radii and tilt so that its transverse diameter is ctr times the thoracic width. */
    float[] heart() {
        float hw = ctr * w();                       // half of the transverse cardiac diameter
        float theta = 0.45f;
        float ry = a.heartHeight() * 0.55f * (0.8f + 0.2f * ctr / 0.45f);
        float s = (float) StrictMath.sin(theta), c = (float) StrictMath.cos(theta);
        float rx = (float) Math.sqrt(Math.max(hw * hw - ry * ry * s * s, 0.25f * hw * hw) / (c * c));
        float hx = cx() + 0.28f * hw;
        float hy = a.domeY() + 0.015f - ry * 0.85f;
        return new float[] {hx, hy, rx, ry, theta};
    }

    /** Hilum position on a side. */
    float[] hilum(int side) {
        return new float[] {cx() + side * (a.mediastinumHalfWidth() + 0.035f), a.apexY() + 0.42f * a.lungHeight()};
    }

    /** The y range of a lung zone (upper, middle, lower third of the lung height). */
    float[] zone(Finding.Zone z) {
        float h = a.lungHeight();
        int k = z == null ? 1 : z.ordinal();
        return new float[] {a.apexY() + h * (0.06f + 0.3f * k), a.apexY() + h * (0.06f + 0.3f * (k + 1))};
    }

    /** A point inside a lung zone, at fraction lat of the way from the medial to the lateral lung edge. */
    float[] point(int side, Finding.Zone z, float along, float lat) {
        float[] zr = zone(z);
        float y = zr[0] + along * (zr[1] - zr[0]);
        float dm = medial(y), dl = lateral(y);
        if (z == Finding.Zone.LOWER) y = Math.min(y, dome(side, dm + lat * (dl - dm)) - 0.03f);
        return new float[] {cx() + side * (dm + lat * (dl - dm)), y};
    }
}
