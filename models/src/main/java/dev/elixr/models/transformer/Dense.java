package dev.elixr.models.transformer;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Layer;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;

import java.util.random.RandomGenerator;

/** One linear layer held under the name {@code dense}, as Hugging Face nests them ({@code intermediate.dense}, {@code pooler.dense}). */
public final class Dense extends Module implements Layer {
    private final Linear dense;

    public Dense(int in, int out, RandomGenerator rng) {
        this.dense = registerModule("dense", new Linear(in, out, true, rng));
    }

    public Linear linear() { return dense; }

    @Override public Var forward(Var x) { return dense.forward(x); }
}
