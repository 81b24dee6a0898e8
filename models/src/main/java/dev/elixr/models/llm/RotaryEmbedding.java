package dev.elixr.models.llm;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
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
     * x·cos + rotateHalf(x)·sin with rotateHalf(x) = (−x₂, x₁), as Hugging Face writes it.
     */
    public Var apply(Var x) {
        if (interleaved) throw new IllegalStateException("training needs Hugging Face's rotate-half layout; these weights come from a GGUF file");
        int t = x.size(2), half = invFreq.length, d = 2 * half;
        float[] cos = new float[t * d], sin = new float[t * d];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                float angle = p * invFreq[i];
                cos[p * d + i] = cos[p * d + i + half] = (float) Math.cos(angle);
                sin[p * d + i] = sin[p * d + i + half] = (float) Math.sin(angle);
            }
        }
        Var[] halves = Functional.split(x, 3, half, half);
        Var rotated = Functional.concat(3, halves[1].neg(), halves[0]);
        return x.mul(Var.of(Tensor.wrap(cos, t, d))).add(rotated.mul(Var.of(Tensor.wrap(sin, t, d))));
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
