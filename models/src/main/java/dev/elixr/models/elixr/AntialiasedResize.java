package dev.elixr.models.elixr;

/**
 * Resizing of one grey plane with a separable triangle filter whose support widens with the down-scaling factor, as
 * PIL's antialiased bilinear: each output pixel is a weighted mean of the input pixels under the tent, so shrinking a
 * chest X-ray keeps thin lines instead of aliasing them. Weights are summed in double and stored as float.
 */
public final class AntialiasedResize {
    private AntialiasedResize() {}

    /** Row-major {@code width x height} pixels resized to {@code outW x outH} (a copy when the size does not change). */
    public static float[] resize(float[] in, int width, int height, int outW, int outH) {
        if (outW <= 0 || outH <= 0) throw new IllegalArgumentException("resize: bad target size " + outW + "x" + outH);
        if (in.length != width * height)
            throw new IllegalArgumentException("resize: " + in.length + " pixels do not fill " + width + "x" + height);
        if (outW == width && outH == height) return in.clone();
        Weights wx = weights(width, outW), wy = weights(height, outH);
        float[] tmp = new float[outW * height];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < outW; x++) {
                double acc = 0;
                int s = wx.start[x];
                float[] w = wx.w[x];
                for (int k = 0; k < w.length; k++) acc += w[k] * in[row + s + k];
                tmp[y * outW + x] = (float) acc;
            }
        }
        float[] out = new float[outW * outH];
        double[] acc = new double[outW];
        for (int y = 0; y < outH; y++) { // taps outer, pixels inner: each pixel's sum in the same order, with no chain across pixels
            int s = wy.start[y];
            float[] w = wy.w[y];
            java.util.Arrays.fill(acc, 0);
            for (int k = 0; k < w.length; k++) {
                float wk = w[k];
                int row = (s + k) * outW;
                for (int x = 0; x < outW; x++) acc[x] += wk * tmp[row + x];
            }
            for (int x = 0; x < outW; x++) out[y * outW + x] = (float) acc[x];
        }
        return out;
    }

    /** Per output pixel: the first input pixel under the tent and the normalised tent weights. */
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
}
