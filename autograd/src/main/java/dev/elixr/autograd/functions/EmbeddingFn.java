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
        return Var.result("embedding", Index.embedding(table.value(), ids0, idShape), g -> {
            int d = tableShape[1];
            float[] gs = Host.read(g), out = new float[tableShape[0] * d];
            for (int i = 0; i < ids0.length; i++) {
                int src = i * d, dst = ids0[i] * d;
                for (int j = 0; j < d; j++) out[dst + j] += gs[src + j];
            }
            return new Tensor[] {Host.put(out, tableShape, g.device())};
        }, table);
    }
}
