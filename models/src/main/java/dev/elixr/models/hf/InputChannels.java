package dev.elixr.models.hf;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

/**
 * Adapts a first convolution trained on RGB to grey chest X-rays (or back), as timm's {@code adapt_input_conv}: 3 → 1
 * sums the kernels over the input channels (a grey image replicated to RGB gives the same response); 1 → 3 repeats
 * the kernel divided by 3.
 */
public final class InputChannels {
    private InputChannels() {}

    /** w [O, C, kh, kw] → [O, target, kh, kw]. */
    public static Tensor adapt(String name, Tensor w, int target) {
        int[] s = w.shape();
        if (s.length != 4) throw new IllegalArgumentException(name + ": expected a convolution kernel [O,C,kh,kw], got " + Shape.str(s));
        int o = s[0], c = s[1], k = s[2] * s[3];
        if (c == target) return w;
        float[] src = w.contiguous().toFloatArray();
        float[] dst = new float[o * target * k];
        if (target == 1) {
            for (int i = 0; i < o; i++) for (int ch = 0; ch < c; ch++) for (int j = 0; j < k; j++) dst[i * k + j] += src[(i * c + ch) * k + j];
        } else if (c == 1) {
            for (int i = 0; i < o; i++) for (int ch = 0; ch < target; ch++) for (int j = 0; j < k; j++) dst[(i * target + ch) * k + j] = src[i * k + j] / target;
        } else {
            throw new IllegalArgumentException(name + ": cannot adapt " + c + " input channels to " + target + " (only 3→1 and 1→n)");
        }
        return Tensor.of(dst, o, target, s[2], s[3]);
    }
}
