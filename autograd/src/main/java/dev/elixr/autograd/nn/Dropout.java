package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;

import java.util.random.RandomGenerator;

/** Inverted dropout with a seeded generator (Srivastava et al. 2014); identity in eval mode. */
public final class Dropout extends Module implements Layer {
    private final float p;
    private final RandomGenerator rng;

    public Dropout(float p, RandomGenerator rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.rng = rng;
    }

    public float p() { return p; }

    @Override
    public Var forward(Var x) { return Functional.dropout(x, p, rng, isTraining()); }
}
