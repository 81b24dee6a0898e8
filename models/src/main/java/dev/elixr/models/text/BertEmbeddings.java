package dev.elixr.models.text;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Embedding;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Module;

import java.util.random.RandomGenerator;

/**
 * BERT input representation (Devlin et al. 2019, §3, figure 2): word + position + token-type embeddings, then layer
 * norm and dropout. Names follow Hugging Face: {@code word_embeddings}, {@code position_embeddings},
 * {@code token_type_embeddings}, {@code LayerNorm}.
 */
public final class BertEmbeddings extends Module {
    private final BertConfig config;
    private final Embedding words, positions, types;
    private final LayerNorm norm;
    private final RandomGenerator rng;

    public BertEmbeddings(BertConfig c, RandomGenerator rng) {
        this.config = c;
        this.rng = rng;
        this.words = registerModule("word_embeddings", new Embedding(c.vocabSize(), c.hiddenSize(), rng));
        this.positions = registerModule("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.hiddenSize(), rng));
        this.types = registerModule("token_type_embeddings", new Embedding(c.typeVocabSize(), c.hiddenSize(), rng));
        this.norm = registerModule("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
    }

    public Embedding wordEmbeddings() { return words; }

    /** ids and tokenTypes [B·T] (row-major; tokenTypes may be null for all zeros) → [B,T,D]. */
    public Var forward(int[] ids, int[] tokenTypes, int batch, int length) {
        check(ids, batch, length, config.vocabSize(), "token id");
        if (length > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence of " + length + " tokens exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        int[] typeIds = tokenTypes == null ? new int[ids.length] : tokenTypes;
        check(typeIds, batch, length, config.typeVocabSize(), "token type");
        int[] pos = new int[length];
        for (int i = 0; i < length; i++) pos[i] = i;
        Var e = words.forward(ids, batch, length)
                .add(types.forward(typeIds, batch, length))
                .add(positions.forward(pos, 1, length));
        e = norm.forward(e);
        return isTraining() && config.dropout() > 0 ? Functional.dropout(e, config.dropout(), rng, true) : e;
    }

    private static void check(int[] ids, int batch, int length, int limit, String what) {
        if (ids.length != batch * length) {
            throw new IllegalArgumentException(what + "s: " + ids.length + " values, expected " + batch + "×" + length);
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= limit) {
                throw new IllegalArgumentException(what + " " + ids[i] + " at position " + i + " outside [0, " + limit + ")");
            }
        }
    }
}
