package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/** Embedding lookup; backward scatters (sparse accumulation) into the rows used. */
public final class EmbeddingFn {
    private EmbeddingFn() {}

    public static Var embedding(Var table, int[] ids, int... idShape) { throw Pending.ops("embedding"); }
}
