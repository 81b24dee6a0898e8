package dev.elixr.tasks.data.synth;

/**
 * A square float layer of side {@code size} pixels addressed in normalised coordinates (0..1 across the image),
 * with antialiased drawing primitives that add to it: soft ellipses, Gaussian blobs and polyline strokes.
 * Every primitive touches only its bounding box, so drawing cost follows the drawn area.
 */
final class Raster {
    final int size;
    final float[] v;
    /** Edge softness in normalised units (about one pixel). */
    final float aa;

    Raster(int size) {
        this.size = size;
        this.v = new float[size * size];
        this.aa = 1f / size;
    }

    float at(float x, float y) {
        int i = Math.clamp((int) (x * size), 0, size - 1), j = Math.clamp((int) (y * size), 0, size - 1);
        return v[j * size + i];
    }

    /** Normalised coordinate of pixel centre i. */
    float c(int i) { return (i + 0.5f) / size; }

    int lo(float u) { return Math.clamp((int) Math.floor(u * size), 0, size - 1); }

    int hi(float u) { return Math.clamp((int) Math.ceil(u * size), 0, size - 1); }

    static float smooth(float e0, float e1, float x) {
        float t = Math.clamp((x - e0) / (e1 - e0), 0f, 1f);
        return t * t * (3 - 2 * t);
    }

    /** A filled ellipse (rotated by angle radians) with a soft edge of width soft; amp * profile^power of the chord. */
    void ellipse(float cx, float cy, float rx, float ry, float angle, float amp, float soft, float chordPower) {
        float r = Math.max(rx, ry) + soft + aa;
        float ca = (float) StrictMath.cos(angle), sa = (float) StrictMath.sin(angle);
        for (int j = lo(cy - r); j <= hi(cy + r); j++) {
            float y = c(j) - cy;
            for (int i = lo(cx - r); i <= hi(cx + r); i++) {
                float x = c(i) - cx;
                float u = (x * ca + y * sa) / rx, w = (-x * sa + y * ca) / ry;
                float d = (float) Math.sqrt(u * u + w * w);
                float edge = smooth(1 + soft / Math.min(rx, ry), 1 - soft / Math.min(rx, ry), d);
                if (edge <= 0) continue;
                float dd = Math.min(d, 1), base = Math.max(0, 1 - dd * dd);
                float chord = chordPower == 0 ? 1 : chordPower == 1 ? (float) Math.sqrt(base) : (float) StrictMath.pow(base, 0.5 * chordPower);
                v[j * size + i] += amp * edge * Math.max(chord, chordPower == 0 ? 1 : 0.15f);
            }
        }
    }

    /** A Gaussian blob of standard deviations sx, sy. */
    void gaussian(float cx, float cy, float sx, float sy, float amp) {
        for (int j = lo(cy - 3 * sy); j <= hi(cy + 3 * sy); j++) {
            float y = (c(j) - cy) / sy;
            for (int i = lo(cx - 3 * sx); i <= hi(cx + 3 * sx); i++) {
                float x = (c(i) - cx) / sx;
                float q = x * x + y * y;
                if (q < 18f) v[j * size + i] += amp * Lut.GAUSS.at(q);
            }
        }
    }

    /**
     * A stroke along the polyline (xs, ys) of half-width hw: amp times a profile across the stroke that is flat
     * (wall = 0) or brighter at its edges (wall in 0..1: cortical bone, tube walls). Thinner than a pixel strokes
     * keep their integral (peak scaled by width), so they fade rather than vanish at low resolution.
     */
    void stroke(float[] xs, float[] ys, float hw, float amp, float wall) {
        float minX = Float.MAX_VALUE, maxX = -Float.MAX_VALUE, minY = Float.MAX_VALUE, maxY = -Float.MAX_VALUE;
        for (int k = 0; k < xs.length; k++) {
            minX = Math.min(minX, xs[k]); maxX = Math.max(maxX, xs[k]);
            minY = Math.min(minY, ys[k]); maxY = Math.max(maxY, ys[k]);
        }
        float ehw = Math.max(hw, 0.5f * aa);
        float peak = amp * Math.min(1f, hw / ehw);
        float pad = ehw + aa;
        for (int j = lo(minY - pad); j <= hi(maxY + pad); j++) {
            float py = c(j);
            for (int i = lo(minX - pad); i <= hi(maxX + pad); i++) {
                float px = c(i);
                float d2 = Float.MAX_VALUE;
                for (int k = 0; k + 1 < xs.length; k++) d2 = Math.min(d2, segDist2(px, py, xs[k], ys[k], xs[k + 1], ys[k + 1]));
                float d = (float) Math.sqrt(d2);
                if (d > ehw + aa) continue;
                float cover = smooth(ehw + 0.5f * aa, ehw - 0.5f * aa, d);
                float prof = wall == 0 ? 1 : (1 - wall) + wall * (d / ehw) * (d / ehw);
                v[j * size + i] += peak * cover * prof;
            }
        }
    }

    private static float segDist2(float px, float py, float ax, float ay, float bx, float by) {
        float dx = bx - ax, dy = by - ay;
        float l2 = dx * dx + dy * dy;
        float t = l2 == 0 ? 0 : Math.clamp(((px - ax) * dx + (py - ay) * dy) / l2, 0f, 1f);
        float ex = px - ax - t * dx, ey = py - ay - t * dy;
        return ex * ex + ey * ey;
    }

    /** A single straight segment. */
    void line(float x0, float y0, float x1, float y1, float hw, float amp) {
        stroke(new float[] {x0, x1}, new float[] {y0, y1}, hw, amp, 0);
    }

    /** In place 3-tap binomial blur, repeated passes times (a cheap Gaussian). */
    void blur(int passes) {
        float[] tmp = new float[v.length];
        int n = size;
        for (int p = 0; p < passes; p++) {
            for (int j = 0; j < n; j++) {
                int r = j * n;
                for (int i = 0; i < n; i++) {
                    float a = v[r + Math.max(i - 1, 0)], b = v[r + i], c = v[r + Math.min(i + 1, n - 1)];
                    tmp[r + i] = 0.25f * a + 0.5f * b + 0.25f * c;
                }
            }
            for (int j = 0; j < n; j++) {
                int up = Math.max(j - 1, 0) * n, r = j * n, dn = Math.min(j + 1, n - 1) * n;
                for (int i = 0; i < n; i++) v[r + i] = 0.25f * tmp[up + i] + 0.5f * tmp[r + i] + 0.25f * tmp[dn + i];
            }
        }
    }
}
