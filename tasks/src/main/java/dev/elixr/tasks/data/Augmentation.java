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
        int w = src.width(), h = src.height();
        double area = w * (double) h * (minArea + (1 - minArea) * r.nextDouble());
        double logR = StrictMath.log(maxRatio);
        double ratio = StrictMath.exp(-logR + 2 * logR * r.nextDouble());
        int cw = (int) Math.clamp(Math.round(Math.sqrt(area * ratio)), 1, w);
        int ch = (int) Math.clamp(Math.round(Math.sqrt(area / ratio)), 1, h);
        int x0 = r.nextInt(w - cw + 1), y0 = r.nextInt(h - ch + 1);
        float[] px = new float[cw * ch];
        for (int y = 0; y < ch; y++) System.arraycopy(src.pixels(), (y0 + y) * w + x0, px, y * cw, cw);
        return new GreyImage(width, height, AntialiasedResize.resize(px, cw, ch, width, height), src.bitDepth());
    }

    /** In place on values in [0, 1]: rotation about the centre (bilinear, edges clamped), then brightness/contrast. */
    public void jitter(float[] px, int width, int height, SplittableRandom r) {
        double th = Math.toRadians((r.nextDouble() * 2 - 1) * maxDegrees);
        if (th != 0) rotate(px, width, height, th);
        float b = (float) ((r.nextDouble() * 2 - 1) * brightness), c = (float) (1 + (r.nextDouble() * 2 - 1) * contrast);
        double mean = 0;
        for (float v : px) mean += v;
        float m = (float) (mean / px.length);
        for (int i = 0; i < px.length; i++) px[i] = Math.clamp((px[i] - m) * c + m + b, 0f, 1f);
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
