package dev.elixr.autograd.nn;

import dev.elixr.autograd.Var;

import java.util.random.RandomGenerator;

/** Two-layer perceptron fc1 → activation → fc2 (the transformer feed-forward block, Vaswani et al. 2017 §3.3). */
public final class Mlp extends Module implements Layer {
    private final Linear fc1, fc2;
    private final Activation activation;

    public Mlp(int in, int hidden, int out, Activation activation, RandomGenerator rng) {
        this.fc1 = registerModule("fc1", new Linear(in, hidden, true, rng));
        this.fc2 = registerModule("fc2", new Linear(hidden, out, true, rng));
        this.activation = activation;
    }

    public Linear fc1() { return fc1; }

    public Linear fc2() { return fc2; }

    @Override
    public Var forward(Var x) { return fc2.forward(activation.forward(fc1.forward(x))); }
}
