package dev.elixr.tensor.backend;

/**
 * The scalars of one AdamW update (Loshchilov &amp; Hutter 2019, Algorithm 2) of one parameter tensor at step t ≥ 1:
 * w ← w·(1 − lr·wd); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; w ← w − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε).
 */
public record AdamWStep(double lr, double beta1, double beta2, double eps, double weightDecay, long step) {
    /** lr/(1 − β1ᵗ) as float. */
    public float stepSize() { return (float) (lr / (1 - Math.pow(beta1, step))); }

    /** √(1 − β2ᵗ) as float. */
    public float bias2Sqrt() { return (float) Math.sqrt(1 - Math.pow(beta2, step)); }

    /** 1 − lr·wd as float (1 when there is no decay). */
    public float decay() { return (float) (1 - lr * weightDecay); }
}
