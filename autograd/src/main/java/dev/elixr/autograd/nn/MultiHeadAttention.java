package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * Multi-head attention (Vaswani et al. 2017, §3.2.2): projections query/key/value, scaled dot-product
 * attention per head, output projection. Self-attention takes one input; cross-attention takes the
 * queries' input and a key/value input of width kvDim. Inputs are [B,T,dim]; masks are additive and
 * broadcastable to [B,heads,Tq,Tk] (0 keeps, a large negative value drops), or null.
 */
public final class MultiHeadAttention extends Module {
    private final Linear query, key, value, output;
    private final int heads;
    private final int headDim;

    /** Self-attention of width dim. */
    public MultiHeadAttention(int dim, int heads, boolean bias, RandomGenerator rng) { this(dim, dim, heads, bias, rng); }

    /** Attention whose keys and values come from inputs of width kvDim (cross-attention when kvDim differs or inputs do). */
    public MultiHeadAttention(int dim, int kvDim, int heads, boolean bias, RandomGenerator rng) {
        if (heads <= 0 || dim % heads != 0) throw new IllegalArgumentException("MultiHeadAttention: dim " + dim + " does not divide into " + heads + " heads");
        this.heads = heads;
        this.headDim = dim / heads;
        this.query = registerModule("query", new Linear(dim, dim, bias, rng));
        this.key = registerModule("key", new Linear(kvDim, dim, bias, rng));
        this.value = registerModule("value", new Linear(kvDim, dim, bias, rng));
        this.output = registerModule("output", new Linear(dim, dim, bias, rng));
    }

    public Linear query() { return query; }

    public Linear key() { return key; }

    public Linear value() { return value; }

    public Linear output() { return output; }

    public int heads() { return heads; }

    /** Self-attention without mask. */
    public Var forward(Var x) { return forward(x, x, null, false); }

    /** Self-attention with an additive mask (or null) and optional causal masking. */
    public Var forward(Var x, Tensor mask, boolean causal) { return forward(x, x, mask, causal); }

    /** Cross-attention: queries from x [B,Tq,dim], keys and values from kv [B,Tk,kvDim]. */
    public Var forward(Var x, Var kv, Tensor mask, boolean causal) {
        Var q = splitHeads(query.forward(x));
        Var k = splitHeads(key.forward(kv));
        Var v = splitHeads(value.forward(kv));
        Var ctx = Functional.attention(q, k, v, mask, causal);
        int b = ctx.size(0), t = ctx.size(2);
        return output.forward(ctx.permute(0, 2, 1, 3).reshape(b, t, heads * headDim));
    }

    /** [B,T,H·D] → [B,H,T,D]. */
    private Var splitHeads(Var x) {
        if (x.dim() != 3) throw new IllegalArgumentException("MultiHeadAttention: input must be [B,T,C], got rank " + x.dim());
        return x.view(x.size(0), x.size(1), heads, headDim).permute(0, 2, 1, 3);
    }
}
