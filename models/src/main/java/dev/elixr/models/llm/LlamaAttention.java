package dev.elixr.models.llm;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Attention;

/**
 * Causal self-attention with grouped-query heads (Ainslie et al. 2023, GQA): query head h reads key-value head
 * h / groups, as Hugging Face's repeat_kv; rotary embeddings on q and k; keys and values appended to the
 * {@link KvCache}, so a block of T new rows attends to every cached position and, causally, to itself.
 */
public final class LlamaAttention extends Module {
    private final LlamaConfig c;
    private final Projection q, k, v, o;

    LlamaAttention(LlamaConfig c, WeightSource src, String prefix) {
        this.c = c;
        int d = c.headDim();
        this.q = registerModule("q_proj", new Projection(src, prefix + "q_proj.", c.hiddenSize(), c.numHeads() * d, c.qkvBias()));
        this.k = registerModule("k_proj", new Projection(src, prefix + "k_proj.", c.hiddenSize(), c.numKvHeads() * d, c.qkvBias()));
        this.v = registerModule("v_proj", new Projection(src, prefix + "v_proj.", c.hiddenSize(), c.numKvHeads() * d, c.qkvBias()));
        this.o = registerModule("o_proj", new Projection(src, prefix + "o_proj.", c.numHeads() * d, c.hiddenSize(), c.oBias()));
    }

    /** The differentiable form over h [B, T, hidden] at positions 0 … T−1, no cache (training). */
    Var forward(Var h, RotaryEmbedding rope) {
        int b = h.size(0), t = h.size(1), d = c.headDim(), kvHeads = c.numKvHeads(), g = c.groups();
        Var qh = rope.apply(q.forward(h).view(b, t, c.numHeads(), d).permute(0, 2, 1, 3));
        Var kh = rope.apply(k.forward(h).view(b, t, kvHeads, d).permute(0, 2, 1, 3));
        Var vh = v.forward(h).view(b, t, kvHeads, d).permute(0, 2, 1, 3);
        // repeat_kv: KV head j serves query heads j·g … j·g+g−1
        kh = kh.unsqueeze(2).expand(b, kvHeads, g, t, d).reshape(b, c.numHeads(), t, d);
        vh = vh.unsqueeze(2).expand(b, kvHeads, g, t, d).reshape(b, c.numHeads(), t, d);
        Var a = Functional.attention(qh, kh, vh, null, true, (float) (1.0 / Math.sqrt(d)));
        return o.forward(a.permute(0, 2, 1, 3).reshape(b, t, c.numHeads() * d));
    }

    /** h [T, hidden] at positions cache.length() … → [T, hidden]; writes this layer's keys and values into the cache. */
    Tensor apply(Tensor h, int layer, KvCache cache, RotaryEmbedding rope) {
        int rows = h.size(0), pos0 = cache.length(), d = c.headDim(), kvHeads = c.numKvHeads(), g = c.groups();
        long t = DecodeProfile.start(rows);
        Tensor[] qkv = Projection.applyAll(h, q, k, v);
        float[] qa = qkv[0].toFloatArray(), ka = qkv[1].toFloatArray(), va = qkv[2].toFloatArray();
        DecodeProfile.add(DecodeProfile.Op.QKV, t);
        t = DecodeProfile.start(rows);
        rope.apply(qa, rows, c.numHeads(), pos0);
        rope.apply(ka, rows, kvHeads, pos0);
        DecodeProfile.add(DecodeProfile.Op.ROPE, t);
        t = DecodeProfile.start(rows);
        cache.write(layer, ka, va, rows);
        DecodeProfile.add(DecodeProfile.Op.CACHE, t);
        t = DecodeProfile.start(rows);
        int n = pos0 + rows;
        // [T, Hkv·g, d] → [Hkv, g, T, d]; cached keys [Hkv, n, d] → [Hkv, g (stride 0), n, d]
        Tensor q4 = Tensor.wrap(qa, rows, kvHeads, g, d).permute(1, 2, 0, 3);
        Tensor k4 = cache.keys(layer, n).unsqueeze(1).expand(kvHeads, g, n, d);
        Tensor v4 = cache.values(layer, n).unsqueeze(1).expand(kvHeads, g, n, d);
        Tensor a = Attention.scaledDotProduct(q4, k4, v4, null, true, (float) (1.0 / Math.sqrt(d)));
        Tensor heads = a.permute(2, 0, 1, 3).reshape(rows, c.numHeads() * d);
        DecodeProfile.add(DecodeProfile.Op.ATTENTION, t);
        t = DecodeProfile.start(rows);
        Tensor y = o.apply(heads);
        DecodeProfile.add(DecodeProfile.Op.O, t);
        return y;
    }
}
