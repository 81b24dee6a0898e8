package dev.elixr.models.vision;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Stochastic depth, "row" mode (Huang et al. 2016, §3): in training each sample's residual branch is dropped with
 * probability p and the survivors are scaled by 1/(1−p); the identity in evaluation.
 */
public final class StochasticDepth {
    private StochasticDepth() {}

    public static Var apply(Var branch, float p, boolean training, RandomGenerator rng) {
        if (!training || p <= 0f) return branch;
        if (p >= 1f) return branch.mul(0f);
        int b = branch.size(0);
        float[] keep = new float[b];
        for (int i = 0; i < b; i++) keep[i] = rng.nextFloat() < p ? 0f : 1f / (1f - p);
        int[] shape = new int[branch.dim()];
        Arrays.fill(shape, 1);
        shape[0] = b;
        return branch.mul(Var.of(Tensor.of(keep, shape)));
    }
}
