package dev.elixr.models.qformer;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Embedding;
import dev.elixr.autograd.nn.Module;

import java.util.random.RandomGenerator;

/**
 * Text embeddings of the Q-Former, word + absolute position, as Hugging Face's {@code Blip2TextEmbeddings}
 * ({@code word_embeddings}, {@code position_embeddings}); the LayerNorm that follows is {@code qformer.layernorm},
 * shared with the queries (LAVIS applies BERT's embedding LayerNorm to queries and text alike).
 */
public final class QFormerEmbeddings extends Module {
    private final QFormerConfig.Text text;
    private final Embedding words, positions;

    public QFormerEmbeddings(QFormerConfig c, RandomGenerator rng) {
        this.text = c.text();
        this.words = registerModule("word_embeddings", new Embedding(text.vocabSize(), c.width(), rng));
        this.positions = registerModule("position_embeddings", new Embedding(text.maxLength(), c.width(), rng));
    }

    public Embedding wordEmbeddings() { return words; }

    /** [B,L,D] for the batch's ids, positions 0…L−1. */
    public Var forward(TextBatch t) {
        if (t.length() > text.maxLength()) {
            throw new IllegalArgumentException("text of " + t.length() + " tokens exceeds the Q-Former's " + text.maxLength() + " positions");
        }
        int[] ids = t.ids();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= text.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " outside [0, " + text.vocabSize() + ")");
            }
        }
        int[] pos = new int[t.length()];
        for (int i = 0; i < pos.length; i++) pos[i] = i;
        return words.forward(ids, t.batch(), t.length()).add(positions.forward(pos, 1, t.length()));
    }
}
