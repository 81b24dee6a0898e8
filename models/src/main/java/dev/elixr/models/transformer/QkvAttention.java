package dev.elixr.models.transformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * Multi-head attention projections (Vaswani et al. 2017, §3.2.2) named as Hugging Face does: {@code query}, {@code key},
 * {@code value}. Keys and values come from {@code context}, whose width may differ (cross-attention to an image encoder).
 * The output is the concatenated heads before the output projection, [B, Tq, D].
 */
public final class QkvAttention extends Module {
    private final Linear query, key, value;
    private final int heads;

    public QkvAttention(int width, int contextWidth, int heads, boolean bias, RandomGenerator rng) {
        if (width % heads != 0) throw new IllegalArgumentException("attention width " + width + " is not divisible by " + heads + " heads");
        this.heads = heads;
        this.query = registerModule("query", new Linear(width, width, bias, rng));
        this.key = registerModule("key", new Linear(contextWidth, width, bias, rng));
        this.value = registerModule("value", new Linear(contextWidth, width, bias, rng));
    }

    /** Self-attention of x [B,T,D] with an optional additive mask broadcastable to [B,H,T,T]. */
    public Var forward(Var x, Tensor mask) { return forward(x, x, mask); }

    /** Attention of x [B,Tq,D] over context [B,Tk,Dc]; mask additive, broadcastable to [B,H,Tq,Tk], or null. */
    public Var forward(Var x, Var context, Tensor mask) {
        if (context.size(0) != x.size(0)) {
            throw new IllegalArgumentException("attention: batch of queries " + x.size(0) + " differs from batch of context " + context.size(0));
        }
        return forward(x, keysValues(context), mask);
    }

    /** The keys and values of context [B,Tk,Dc], split into heads [B,H,Tk,D/H] (what a decoder caches). */
    public KeyValues keysValues(Var context) {
        int b = context.size(0), tk = context.size(1);
        return new KeyValues(splitHeads(key.forward(context), b, tk), splitHeads(value.forward(context), b, tk));
    }

    /** Attention of x [B,Tq,D] over given keys and values [B,H,Tk,D/H]; mask as in {@link #forward(Var, Var, Tensor)}. */
    public Var forward(Var x, KeyValues kv, Tensor mask) {
        int b = x.size(0), tq = x.size(1), d = x.size(2);
        if (kv.keys().size(0) != b) {
            throw new IllegalArgumentException("attention: batch of queries " + b + " differs from batch of keys " + kv.keys().size(0));
        }
        Var q = splitHeads(query.forward(x), b, tq);
        Var ctx = Functional.attention(q, kv.keys(), kv.values(), mask, false);
        return ctx.permute(0, 2, 1, 3).reshape(b, tq, d);
    }

    private Var splitHeads(Var y, int b, int t) {
        return y.view(b, t, heads, y.size(2) / heads).permute(0, 2, 1, 3);
    }

    public int heads() { return heads; }
}
