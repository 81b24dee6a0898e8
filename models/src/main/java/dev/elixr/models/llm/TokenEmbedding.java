package dev.elixr.models.llm;

import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.QuantizedMatrix;
import dev.elixr.tensor.ops.Index;

/** The token table [vocab, hidden] (Hugging Face's {@code embed_tokens}), kept in its stored type; also the LM head when tied. */
public final class TokenEmbedding extends Module {
    private final Parameter weight;
    private final QuantizedMatrix quantized;
    private final int vocab, hidden;

    TokenEmbedding(WeightSource src, String prefix, int vocab, int hidden) {
        this.vocab = vocab;
        this.hidden = hidden;
        this.quantized = src.quantized(prefix + "weight");
        if (quantized != null && (quantized.rows() != vocab || quantized.cols() != hidden)) {
            throw new IllegalArgumentException("tensor '" + prefix + "weight' is [" + quantized.rows() + "," + quantized.cols() + "], expected [" + vocab + "," + hidden + "]");
        }
        this.weight = quantized != null ? null : registerParameter("weight", src.get(prefix + "weight", vocab, hidden));
    }

    /** The table as a parameter (null when it was loaded in a block format). */
    public Parameter weight() { return weight; }

    /** The table in a block format (GGUF), or null. */
    QuantizedMatrix quantized() { return quantized; }

    /** Rows of the ids, [T, hidden] float32; an id outside the table is refused naming it. */
    Tensor lookup(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (quantized == null) return Index.embedding(weight.value(), ids);
        float[] out = new float[ids.length * hidden];
        for (int i = 0; i < ids.length; i++) quantized.row(ids[i], out, i * hidden);
        return Tensor.wrap(out, ids.length, hidden);
    }
}
