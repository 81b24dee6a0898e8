package dev.elixr.tasks.data;

/**
 * Image preprocessing for the encoders: antialiased resize (separable triangle filter whose support widens with
 * the down-scaling factor, as PIL's antialiased bilinear) and CXR intensity normalisation (min-shift and
 * full-range stretch, as the CXR Foundation input, followed by a mean/std standardisation).
 */
public final class Preprocess {
    private Preprocess() {}

    /** Resizes to outW x outH with an antialiasing triangle filter. */
    public static GreyImage resize(GreyImage src, int outW, int outH) {
        if (outW <= 0 || outH <= 0) throw new IllegalArgumentException("resize: bad target size " + outW + "x" + outH);
        if (outW == src.width() && outH == src.height()) return new GreyImage(outW, outH, src.pixels().clone(), src.bitDepth());
        Weights wx = weights(src.width(), outW), wy = weights(src.height(), outH);
        int sw = src.width(), sh = src.height();
        float[] in = src.pixels();
        float[] tmp = new float[outW * sh];
        for (int y = 0; y < sh; y++) {
            int row = y * sw;
            for (int x = 0; x < outW; x++) {
                double acc = 0;
                int s = wx.start[x];
                float[] w = wx.w[x];
                for (int k = 0; k < w.length; k++) acc += w[k] * in[row + s + k];
                tmp[y * outW + x] = (float) acc;
            }
        }
        float[] out = new float[outW * outH];
        for (int y = 0; y < outH; y++) {
            int s = wy.start[y];
            float[] w = wy.w[y];
            for (int x = 0; x < outW; x++) {
                double acc = 0;
                for (int k = 0; k < w.length; k++) acc += w[k] * tmp[(s + k) * outW + x];
                out[y * outW + x] = (float) acc;
            }
        }
        return new GreyImage(outW, outH, out, src.bitDepth());
    }

    private record Weights(int[] start, float[][] w) {}

    private static Weights weights(int in, int out) {
        double scale = (double) in / out;
        double support = Math.max(1.0, scale);
        int[] start = new int[out];
        float[][] w = new float[out][];
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support));
            int hi = Math.min(in, (int) Math.ceil(center + support));
            double[] ws = new double[hi - lo];
            double sum = 0;
            for (int j = lo; j < hi; j++) {
                double d = Math.abs((j + 0.5 - center) / support);
                ws[j - lo] = Math.max(0, 1 - d);
                sum += ws[j - lo];
            }
            if (sum == 0) { ws = new double[] {1}; lo = Math.min(in - 1, (int) center); sum = 1; }
            start[i] = lo;
            w[i] = new float[ws.length];
            for (int k = 0; k < ws.length; k++) w[i][k] = (float) (ws[k] / sum);
        }
        return new Weights(start, w);
    }

    /** Min-shift and full-range stretch to [0, 1]; a constant image becomes all zeros. */
    public static float[] stretch(float[] px) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : px) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        float range = hi - lo;
        float[] out = new float[px.length];
        if (range <= 0) return out;
        for (int i = 0; i < px.length; i++) out[i] = (px[i] - lo) / range;
        return out;
    }

    /** In place: {@code (v - mean) / std}. */
    public static void standardise(float[] px, float mean, float std) {
        if (!(std > 0)) throw new IllegalArgumentException("standardise: std must be > 0, got " + std);
        for (int i = 0; i < px.length; i++) px[i] = (px[i] - mean) / std;
    }
}
