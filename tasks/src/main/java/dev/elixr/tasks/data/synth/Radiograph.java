package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.Finding;
import dev.elixr.tasks.data.GreyImage;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Projection radiography in miniature: layers of attenuation (soft tissue chord, aerated lung, dense structures,
 * vessels, air-space opacity) summed along the ray and mapped to detector intensity by
 * {@code 1 - exp(-gain * attenuation)}, then tilted, scaled and shifted as the patient stood, with quantum noise.
 */
final class Radiograph {
    final int size;
    final Raster dense, vessels, opacity, devices;

    private Radiograph(int size) {
        this.size = size;
        dense = new Raster(size);
        vessels = new Raster(size);
        opacity = new Raster(size);
        devices = new Raster(size);
    }

    /** Renders one frontal radiograph of the anatomy with the findings, deterministically from rng. */
    static GreyImage render(Anatomy a, List<Finding> findings, int size, Difficulty d, SplittableRandom rng) {
        Radiograph r = new Radiograph(size);
        Thorax t = new Thorax(a);
        FindingRenderer.adjust(t, findings, d, rng);
        AnatomyRenderer.draw(r, t, rng);
        FindingRenderer.draw(r, t, findings, d, rng);
        r.vessels.blur(1);
        float[] attenuation = r.compose(t, rng);
        return r.expose(a, attenuation, d, rng);
    }

    /** Low-frequency noise in [-1, 1]: a random grid, bilinearly interpolated. */
    static float[] lowFrequency(int size, int grid, SplittableRandom rng) {
        float[] g = new float[(grid + 1) * (grid + 1)];
        for (int i = 0; i < g.length; i++) g[i] = (float) (rng.nextDouble() * 2 - 1);
        float[] out = new float[size * size];
        for (int j = 0; j < size; j++) {
            float gy = (j + 0.5f) / size * grid;
            int y0 = Math.min((int) gy, grid - 1);
            float fy = gy - y0;
            for (int i = 0; i < size; i++) {
                float gx = (i + 0.5f) / size * grid;
                int x0 = Math.min((int) gx, grid - 1);
                float fx = gx - x0;
                float top = g[y0 * (grid + 1) + x0] * (1 - fx) + g[y0 * (grid + 1) + x0 + 1] * fx;
                float bot = g[(y0 + 1) * (grid + 1) + x0] * (1 - fx) + g[(y0 + 1) * (grid + 1) + x0 + 1] * fx;
                out[j * size + i] = top * (1 - fy) + bot * fy;
            }
        }
        return out;
    }

    private float[] compose(Thorax t, SplittableRandom rng) {
        Anatomy a = t.a;
        float[] texture = lowFrequency(size, 18, rng);
        float[] out = new float[size * size];
        float soft = 1.2f / size;
        for (int j = 0; j < size; j++) {
            float y = (j + 0.5f) / size;
            float bodyHalf = a.halfWidth() + a.fat() + 0.08f * (1 - Raster.smooth(a.apexY() - 0.02f, a.apexY() + 0.16f, y));
            for (int i = 0; i < size; i++) {
                float x = (i + 0.5f) / size;
                int p = j * size + i;
                float u = Math.abs(x - t.cx()) / bodyHalf;
                float chord = u >= 1 ? 0 : Lut.CHORD.at(u);
                chord *= Raster.smooth(1.0f, 0.97f, u);
                float lung = t.lung(x, y, soft);
                float att = a.tissue() * chord;
                if (lung > 0) {
                    float ptx = t.pneumothorax(x, y, soft);
                    float opac = Math.clamp(opacity.v[p], 0f, 1f);
                    float air = Math.min(0.97f, a.aeration() * lung * (1 - opac) * (1 + 0.32f * ptx));
                    att = att * (1 - air)
                            + lung * (1 - ptx) * (1 - 0.5f * opac) * (vessels.v[p] + 0.035f * texture[p]);
                }
                out[p] = att + dense.v[p] + devices.v[p];
            }
        }
        return out;
    }

    private GreyImage expose(Anatomy a, float[] att, Difficulty d, SplittableRandom rng) {
        Raster img = new Raster(size);
        double gain = a.exposure(), gamma = a.gamma();
        Lut detector = new Lut(0, 6, 8192, x -> StrictMath.pow(1 - StrictMath.exp(-gain * x), gamma));
        for (int p = 0; p < att.length; p++) img.v[p] = detector.at(att[p]);
        img.blur(1);
        float[] warped = warp(img, a);
        float[] mottle = lowFrequency(size, 6, rng);
        float sigma = d.noise;
        float mottleAmp = 0.02f * d.variation;
        for (int p = 0; p < warped.length; p++) {
            float v = warped[p] + mottleAmp * mottle[p] + sigma * (float) rng.nextGaussian();
            warped[p] = Math.clamp(v, 0f, 1f);
        }
        return new GreyImage(size, size, warped, 8);
    }

    /** Tilt, magnification and shift of the patient in the field: bilinear resampling, edges clamped. */
    private float[] warp(Raster src, Anatomy a) {
        float[] out = new float[size * size];
        double th = Math.toRadians(a.tiltDeg());
        float c = (float) StrictMath.cos(th), s = (float) StrictMath.sin(th), k = 1f / a.scale();
        for (int j = 0; j < size; j++) {
            float y = (j + 0.5f) / size - 0.5f - a.shiftY();
            for (int i = 0; i < size; i++) {
                float x = (i + 0.5f) / size - 0.5f - a.shiftX();
                float sx = (c * x + s * y) * k + 0.5f, sy = (-s * x + c * y) * k + 0.5f;
                out[j * size + i] = bilinear(src, sx * size - 0.5f, sy * size - 0.5f);
            }
        }
        return out;
    }

    private static float bilinear(Raster r, float fx, float fy) {
        int n = r.size;
        fx = Math.clamp(fx, 0f, n - 1.001f);
        fy = Math.clamp(fy, 0f, n - 1.001f);
        int x0 = (int) fx, y0 = (int) fy;
        float ax = fx - x0, ay = fy - y0;
        float[] v = r.v;
        float top = v[y0 * n + x0] * (1 - ax) + v[y0 * n + x0 + 1] * ax;
        float bot = v[(y0 + 1) * n + x0] * (1 - ax) + v[(y0 + 1) * n + x0 + 1] * ax;
        return top * (1 - ay) + bot * ay;
    }
}
