package dev.elixr.models.transformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;

import java.util.random.RandomGenerator;

/**
 * The post-norm sub-layer output of BERT, LayerNorm(x + Dropout(Dense(h))) (Vaswani et al. 2017, §3.1 "Add &amp; Norm"),
 * with Hugging Face's names {@code dense} and {@code LayerNorm}.
 */
public final class AddNorm extends Module {
    private final Linear dense;
    private final LayerNorm norm;
    private final float dropout;
    private final RandomGenerator rng;

    public AddNorm(int in, int out, float eps, float dropout, RandomGenerator rng) {
        this.dense = registerModule("dense", new Linear(in, out, true, rng));
        this.norm = registerModule("LayerNorm", new LayerNorm(out, eps));
        this.dropout = dropout;
        this.rng = rng;
    }

    /** LayerNorm(residual + Dropout(dense(h))). */
    public Var forward(Var h, Var residual) {
        Var y = dense.forward(h);
        if (isTraining() && dropout > 0) y = Functional.dropout(y, dropout, rng, true);
        return norm.forward(y.add(residual));
    }
}
