package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Index;

/** Embedding lookup; backward scatters (sparse accumulation) into the rows used, the others stay zero. */
public final class EmbeddingFn {
    private EmbeddingFn() {}

    public static Var embedding(Var table, int[] ids, int... idShape) {
        int[] ids0 = ids.clone();
        int[] tableShape = table.shape();
        return Var.result("embedding", Index.embedding(table.value(), ids0, idShape),
                g -> new Tensor[] {Index.scatterAddRows(g.reshape(ids0.length, tableShape[1]), ids0, tableShape[0])}, table);
    }
}
