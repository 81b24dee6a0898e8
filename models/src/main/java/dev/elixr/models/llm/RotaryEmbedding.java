package dev.elixr.models.llm;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;

/**
 * Rotary position embedding (Su et al. 2021, RoFormer §3.4) in Hugging Face's rotate-half layout: a head vector
 * x of size d is split into halves (x₁, x₂) and rotated pairwise, (x₁, x₂) ↦ (x₁·cos θ − x₂·sin θ, x₂·cos θ + x₁·sin θ),
 * with θᵢ = position · invFreq[i], invFreq[i] = theta^(−2i/d) — optionally rescaled as Llama 3 does
 * (low frequencies slowed by {@code factor}, high ones kept, a smooth blend between) or linearly.
 */
public final class RotaryEmbedding {
    private final float[] invFreq;
    private final boolean interleaved;

    public RotaryEmbedding(LlamaConfig c) { this(c, false); }

    /** interleaved: pairs (2i, 2i+1) instead of (i, i + d/2), the layout of q and k weights in llama.cpp's GGUF files. */
    public RotaryEmbedding(LlamaConfig c, boolean interleaved) {
        this.invFreq = inverseFrequencies(c.headDim(), c.ropeTheta(), c.ropeScaling());
        this.interleaved = interleaved;
    }

    /** invFreq in float32, as Hugging Face computes it (then scaled). */
    static float[] inverseFrequencies(int dim, double theta, LlamaConfig.RopeScaling s) {
        float[] f = new float[dim / 2];
        for (int i = 0; i < f.length; i++) f[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / dim));
        if (s == null) return f;
        if (s.type().equals("linear")) {
            for (int i = 0; i < f.length; i++) f[i] = (float) (f[i] / s.factor());
            return f;
        }
        // Llama 3: wavelengths longer than old/low are slowed by factor, shorter than old/high kept, smooth between
        double old = s.originalMaxPositions(), lowWave = old / s.lowFreqFactor(), highWave = old / s.highFreqFactor();
        for (int i = 0; i < f.length; i++) {
            double wave = 2 * Math.PI / f[i];
            if (wave > lowWave) f[i] = (float) (f[i] / s.factor());
            else if (wave >= highWave) {
                double smooth = (old / wave - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                f[i] = (float) ((1 - smooth) * f[i] / s.factor() + smooth * f[i]);
            }
        }
        return f;
    }

    /**
     * The same rotation as a differentiable function of x [B, H, T, d] at positions 0 … T−1:
     * x·cos + rotateHalf(x)·sin with rotateHalf(x) = (−x₂, x₁), as Hugging Face writes it. On the CPU one fused op
     * ({@link #rotate}) whose gradient is the rotation by −θ (a rotation's transpose); elsewhere composed of
     * split, negation, concatenation, products and a sum (the same values: no product or sum is reordered).
     */
    public Var apply(Var x) {
        if (interleaved) throw new IllegalStateException("training needs Hugging Face's rotate-half layout; these weights come from a GGUF file");
        int t = x.size(2), half = invFreq.length, d = 2 * half;
        float[] cosHalf = new float[t * half], sinHalf = new float[t * half];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                float angle = p * invFreq[i];
                cosHalf[p * half + i] = (float) Math.cos(angle);
                sinHalf[p * half + i] = (float) Math.sin(angle);
            }
        }
        if (x.value().device().equals(Device.CPU) && x.dim() == 4 && x.size(3) == d)
            return Var.result("rope", rotate(x.value(), cosHalf, sinHalf, false), g -> new Tensor[] {rotate(g, cosHalf, sinHalf, true)}, x);
        return composed(x, cosHalf, sinHalf);
    }

    /** x·cos + rotateHalf(x)·sin from differentiable ops (tables [T, d/2] repeated over both halves). */
    static Var composed(Var x, float[] cosHalf, float[] sinHalf) {
        int t = x.size(2), half = cosHalf.length / t, d = 2 * half;
        float[] cos = new float[t * d], sin = new float[t * d];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                cos[p * d + i] = cos[p * d + i + half] = cosHalf[p * half + i];
                sin[p * d + i] = sin[p * d + i + half] = sinHalf[p * half + i];
            }
        }
        Var[] halves = Functional.split(x, 3, half, half);
        Var rotated = Functional.concat(3, halves[1].neg(), halves[0]);
        return x.mul(Var.of(Tensor.wrap(cos, t, d))).add(rotated.mul(Var.of(Tensor.wrap(sin, t, d))));
    }

    /**
     * x [B, H, T, d] on the CPU (any strides) rotated pairwise by +θ, or by −θ when {@code inverse} (the gradient), into
     * a new contiguous tensor: (x₁, x₂) ↦ (x₁·cos − x₂·sin, x₂·cos + x₁·sin), tables [T, d/2]. One pass over x instead
     * of the six ops (and their gradients) of {@link #composed}; heads run in parallel.
     */
    static Tensor rotate(Tensor x, float[] cosHalf, float[] sinHalf, boolean inverse) {
        if (x.storage().array() == null) x = x.copy();
        int heads = x.size(1), t = x.size(2), d = x.size(3), half = d / 2;
        int s0 = x.stride(0), s1 = x.stride(1), s2 = x.stride(2), s3 = x.stride(3), off = x.offset();
        float[] a = x.storage().array(), out = new float[x.size(0) * heads * t * d];
        float sign = inverse ? -1f : 1f;
        Parallel.forRange(x.size(0) * heads, 1, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int base = off + bh / heads * s0 + bh % heads * s1;
                for (int p = 0; p < t; p++) {
                    int in = base + p * s2, o = (bh * t + p) * d;
                    for (int i = 0; i < half; i++) {
                        float c = cosHalf[p * half + i], sn = sign * sinHalf[p * half + i];
                        float x1 = a[in + i * s3], x2 = a[in + (i + half) * s3];
                        out[o + i] = x1 * c - x2 * sn;
                        out[o + i + half] = x2 * c + x1 * sn;
                    }
                }
            }
        });
        return Tensor.wrap(out, x.size(0), heads, t, d);
    }

    /** Rotates, in place, each head of size d in rows of x [T, heads·d] (row t at position pos0 + t). */
    public void apply(float[] x, int rows, int heads, int pos0) {
        int d = invFreq.length * 2, half = invFreq.length;
        for (int t = 0; t < rows; t++) {
            int pos = pos0 + t;
            for (int i = 0; i < half; i++) {
                float angle = pos * invFreq[i];
                float cos = (float) Math.cos(angle), sin = (float) Math.sin(angle);
                for (int h = 0; h < heads; h++) {
                    int b = (t * heads + h) * d, i1 = interleaved ? 2 * i : i, i2 = interleaved ? 2 * i + 1 : i + half;
                    float x1 = x[b + i1], x2 = x[b + i2];
                    x[b + i1] = x1 * cos - x2 * sin;
                    x[b + i2] = x2 * cos + x1 * sin;
                }
            }
        }
    }
}
