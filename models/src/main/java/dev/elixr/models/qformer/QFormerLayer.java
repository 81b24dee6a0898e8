package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.transformer.AddNorm;
import dev.elixr.models.transformer.Dense;
import dev.elixr.models.transformer.KeyValues;
import dev.elixr.tensor.Tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A Q-Former layer (BLIP-2, Li et al. 2023, §3.1, figure 2): post-norm self-attention over queries and text together
 * (who sees whom is the mask's business, {@link QFormerMasks}); on layers 0, f, 2f, … cross-attention from the query
 * positions only to the image tokens; then separate feed-forward weights for query positions
 * ({@code intermediate_query}, {@code output_query}) and text positions ({@code intermediate}, {@code output}).
 * Hugging Face's {@code Blip2QFormerLayer} names; a query-only layer (as in its {@code Blip2QFormerModel} without text
 * input) has no text feed-forward.
 */
public final class QFormerLayer extends Module {
    private final QFormerConfig.Transformer shape;
    private final QFormerAttention attention;
    private final QFormerAttention crossAttention;
    private final Dense intermediateQuery, intermediate;
    private final AddNorm outputQuery, output;

    public QFormerLayer(QFormerConfig c, int index, boolean withText, RandomGenerator rng) {
        QFormerConfig.Transformer t = c.transformer();
        this.shape = t;
        this.attention = registerModule("attention", new QFormerAttention(t, t.width(), rng));
        this.crossAttention = c.hasCrossAttention(index)
                ? registerModule("crossattention", new QFormerAttention(t, c.queries().imageWidth(), rng)) : null;
        this.intermediateQuery = registerModule("intermediate_query", new Dense(t.width(), t.ffnSize(), rng));
        this.outputQuery = registerModule("output_query", new AddNorm(t.ffnSize(), t.width(), t.layerNormEps(), t.dropout(), rng));
        this.intermediate = withText ? registerModule("intermediate", new Dense(t.width(), t.ffnSize(), rng)) : null;
        this.output = withText ? registerModule("output", new AddNorm(t.ffnSize(), t.width(), t.layerNormEps(), t.dropout(), rng)) : null;
    }

    public boolean hasCrossAttention() { return crossAttention != null; }

    /** As {@link #forward(Var, int, KeyValues, Tensor, Var, List, int)} with every position's output. */
    public Var forward(Var h, int queryLength, KeyValues past, Tensor selfMask, Var image, List<KeyValues> cache) {
        return forward(h, queryLength, past, selfMask, image, cache, h.size(1));
    }

    /**
     * h [B,Q+L,D]: the first queryLength positions are queries, the rest text. past (or null): keys and values of earlier
     * positions that h also attends to, before its own (the cached query pass, for generation). selfMask additive,
     * broadcastable to [B,H,Q+L,past+Q+L]; image [B,T,Dc] (needed when this layer cross-attends and there are queries).
     * When cache is not null, this layer's own keys and values are appended to it. Only the first {@code outputs}
     * positions are computed past their keys and values ([B,outputs,D]): a last layer whose other outputs nobody reads
     * (ITM reads the queries, ITC the [CLS] token) skips their attention rows and feed-forward, with the same result.
     */
    public Var forward(Var h, int queryLength, KeyValues past, Tensor selfMask, Var image, List<KeyValues> cache, int outputs) {
        int length = h.size(1);
        if (outputs < 1 || outputs > length)
            throw new IllegalArgumentException("Q-Former layer: " + outputs + " outputs of " + length + " positions");
        KeyValues own = attention.keysValues(h);
        if (cache != null) cache.add(own);
        Var x = outputs == length ? h : h.narrow(1, 0, outputs);
        Tensor mask = selfMask == null || outputs == length || selfMask.size(2) == 1 ? selfMask : selfMask.narrow(2, 0, outputs).contiguous();
        Var a = attention.forward(x, past == null ? own : past.append(own), mask);
        int queryRows = Math.min(queryLength, outputs);
        Var queries = queryRows > 0 ? a.narrow(1, 0, queryRows) : null;
        Var text = outputs > queryLength ? a.narrow(1, queryLength, outputs - queryLength) : null;
        if (queries != null) {
            if (crossAttention != null) {
                if (image == null) throw new IllegalArgumentException("Q-Former layer with cross-attention needs image tokens for its queries");
                queries = crossAttention.forward(queries, image, null);
            }
            queries = outputQuery.forward(shape.activation().forward(intermediateQuery.forward(queries)), queries);
        }
        if (text != null) {
            if (intermediate == null) throw new IllegalArgumentException("this Q-Former was built for queries only: it has no text feed-forward");
            text = output.forward(shape.activation().forward(intermediate.forward(text)), text);
        }
        return queries == null ? text : text == null ? queries : Functional.concat(1, queries, text);
    }
}
