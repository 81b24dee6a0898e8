package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/** A table of learned vectors [num, dim], initialised N(0,1) as torch.nn.Embedding. */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(int num, int dim, RandomGenerator rng) {
        if (num <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding: sizes must be positive, got num=" + num + " dim=" + dim);
        this.weight = registerParameter("weight", Tensor.normal(rng, 0f, 1f, num, dim));
    }

    public Parameter weight() { return weight; }

    public int num() { return weight.size(0); }

    public int dim() { return weight.size(1); }

    /** Vectors of ids, shaped [...idShape, dim] (idShape defaults to [ids.length]). */
    public Var forward(int[] ids, int... idShape) { return Functional.embedding(weight, ids, idShape); }
}
