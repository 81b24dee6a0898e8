package dev.elixr.models.hf;

/** Bilinear resampling of one plane with half-pixel centres (PyTorch's align_corners=False), borders clamped. */
final class Bilinear {
    private Bilinear() {}

    static float[] resize(float[] src, int h, int w, int oh, int ow) {
        if (h == oh && w == ow) return src.clone();
        float[] out = new float[oh * ow];
        double sy = (double) h / oh, sx = (double) w / ow;
        for (int y = 0; y < oh; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, h - 1), y1 = Math.min(y0 + 1, h - 1);
            double ty = fy - y0;
            for (int x = 0; x < ow; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, w - 1), x1 = Math.min(x0 + 1, w - 1);
                double tx = fx - x0;
                double top = src[y0 * w + x0] * (1 - tx) + src[y0 * w + x1] * tx;
                double bottom = src[y1 * w + x0] * (1 - tx) + src[y1 * w + x1] * tx;
                out[y * ow + x] = (float) (top * (1 - ty) + bottom * ty);
            }
        }
        return out;
    }
}
