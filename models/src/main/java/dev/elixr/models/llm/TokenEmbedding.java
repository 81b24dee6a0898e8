package dev.elixr.models.llm;

import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Index;

/** The token table [vocab, hidden] (Hugging Face's {@code embed_tokens}), kept in its stored type; also the LM head when tied. */
public final class TokenEmbedding extends Module {
    private final Parameter weight;

    TokenEmbedding(WeightSource src, String prefix, int vocab, int hidden) {
        this.weight = registerParameter("weight", src.get(prefix + "weight", vocab, hidden));
    }

    public Parameter weight() { return weight; }

    /** Rows of the ids, [T, hidden] float32; an id outside the table is refused naming it. */
    Tensor lookup(int[] ids) {
        int vocab = weight.size(0);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        return Index.embedding(weight.value(), ids);
    }
}
