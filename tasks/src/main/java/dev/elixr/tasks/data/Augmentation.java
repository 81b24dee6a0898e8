package dev.elixr.tasks.data;

import dev.elixr.models.elixr.AntialiasedResize;

import java.util.SplittableRandom;

/**
 * Training-time augmentations for chest X-rays, kept within limits that preserve anatomy and laterality (no
 * horizontal flips): random resized crop (80-100% of the area, aspect 3/4-4/3), small rotation (up to 10 degrees),
 * brightness and contrast jitter (up to 10%).
 */
public record Augmentation(double minArea, double maxRatio, double maxDegrees, double brightness, double contrast) {

    public static final Augmentation DEFAULT = new Augmentation(0.8, 4.0 / 3.0, 10, 0.1, 0.1);

    /** A random crop of the source resized to width x height (antialiased). */
    public GreyImage crop(GreyImage src, int width, int height, SplittableRandom r) {
        return crop(src, width, height, Crop.draw(this, src.width(), src.height(), r));
    }

    /** The crop {@code c} of the source resized to width x height (antialiased). */
    GreyImage crop(GreyImage src, int width, int height, Crop c) {
        int w = src.width();
        float[] px = new float[c.w() * c.h()];
        for (int y = 0; y < c.h(); y++) System.arraycopy(src.pixels(), (c.y0() + y) * w + c.x0(), px, y * c.w(), c.w());
        return new GreyImage(width, height, AntialiasedResize.resize(px, c.w(), c.h(), width, height), src.bitDepth());
    }

    /** In place on values in [0, 1]: rotation about the centre (bilinear, edges clamped), then brightness/contrast. */
    public void jitter(float[] px, int width, int height, SplittableRandom r) {
        jitter(px, width, height, Jitter.draw(this, r));
    }

    /** {@link #jitter(float[], int, int, SplittableRandom)} with its draws given. */
    void jitter(float[] px, int width, int height, Jitter j) {
        if (j.radians() != 0) rotate(px, width, height, j.radians());
        float b = j.brightness(), c = j.contrast();
        double mean = 0;
        for (float v : px) mean += v;
        float m = (float) (mean / px.length);
        for (int i = 0; i < px.length; i++) px[i] = Math.clamp((px[i] - m) * c + m + b, 0f, 1f);
    }

    /** A crop's draws: its size and corner in a w×h source (area fraction and aspect first, then the corner). */
    record Crop(int w, int h, int x0, int y0) {
        static Crop draw(Augmentation a, int w, int h, SplittableRandom r) {
            double area = w * (double) h * (a.minArea + (1 - a.minArea) * r.nextDouble());
            double logR = StrictMath.log(a.maxRatio);
            double ratio = StrictMath.exp(-logR + 2 * logR * r.nextDouble());
            int cw = (int) Math.clamp(Math.round(Math.sqrt(area * ratio)), 1, w);
            int ch = (int) Math.clamp(Math.round(Math.sqrt(area / ratio)), 1, h);
            int x0 = r.nextInt(w - cw + 1), y0 = r.nextInt(h - ch + 1);
            return new Crop(cw, ch, x0, y0);
        }
    }

    /** A jitter's draws: the rotation, then the brightness shift and the contrast factor. */
    record Jitter(double radians, float brightness, float contrast) {
        static Jitter draw(Augmentation a, SplittableRandom r) {
            double th = Math.toRadians((r.nextDouble() * 2 - 1) * a.maxDegrees);
            float b = (float) ((r.nextDouble() * 2 - 1) * a.brightness), c = (float) (1 + (r.nextDouble() * 2 - 1) * a.contrast);
            return new Jitter(th, b, c);
        }
    }

    /** One image's draws, crop then jitter, in the order {@link #crop} and {@link #jitter} make them one after the other. */
    record Draws(Crop crop, Jitter jitter) {
        static Draws draw(Augmentation a, int w, int h, SplittableRandom r) {
            Crop c = Crop.draw(a, w, h, r);
            return new Draws(c, Jitter.draw(a, r));
        }
    }

    static void rotate(float[] px, int w, int h, double th) {
        float[] src = px.clone();
        float cs = (float) StrictMath.cos(th), sn = (float) StrictMath.sin(th);
        float cx = (w - 1) / 2f, cy = (h - 1) / 2f, xMax = w - 1.001f, yMax = h - 1.001f;
        for (int y = 0; y < h; y++) {
            float dy = y - cy, snDy = sn * dy, csDy = cs * dy; // the row's terms, the same products per pixel as before
            for (int x = 0; x < w; x++) {
                float dx = x - cx;
                float sx = clamp(cs * dx + snDy + cx, xMax), sy = clamp(-sn * dx + csDy + cy, yMax);
                int x0 = (int) sx, y0 = (int) sy;
                float ax = sx - x0, ay = sy - y0;
                int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
                float top = src[y0 * w + x0] * (1 - ax) + src[y0 * w + x1] * ax;
                float bot = src[y1 * w + x0] * (1 - ax) + src[y1 * w + x1] * ax;
                px[y * w + x] = top * (1 - ay) + bot * ay;
            }
        }
    }

    /**
     * v clamped to [0, hi] as {@code Math.clamp(v, 0f, hi)} (−0 to 0, NaN kept): two compares, where Math.clamp's
     * argument check and Math.max/min's NaN and signed-zero branches made most of the rotation's time.
     */
    private static float clamp(float v, float hi) {
        return v <= 0f ? 0f : v > hi ? hi : v;
    }
}
