package dev.elixr.models.llm;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.RMSNorm;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.Norm;

/** One pre-norm decoder layer: x + attention(RMSNorm(x)), then + SwiGLU(RMSNorm(·)) (Hugging Face's LlamaDecoderLayer). */
public final class LlamaBlock extends Module {
    private final RMSNorm inputNorm, postAttentionNorm;
    private final LlamaAttention attention;
    private final SwiGluMlp mlp;

    LlamaBlock(LlamaConfig c, WeightSource src, String prefix) {
        this.inputNorm = registerModule("input_layernorm", LlamaDecoder.norm(c, src, prefix + "input_layernorm."));
        this.attention = registerModule("self_attn", new LlamaAttention(c, src, prefix + "self_attn."));
        this.postAttentionNorm = registerModule("post_attention_layernorm", LlamaDecoder.norm(c, src, prefix + "post_attention_layernorm."));
        this.mlp = registerModule("mlp", new SwiGluMlp(c, src, prefix + "mlp."));
    }

    Var forward(Var x, RotaryEmbedding rope) {
        Var h = x.add(attention.forward(inputNorm.forward(x), rope));
        return h.add(mlp.forward(postAttentionNorm.forward(h)));
    }

    Tensor apply(Tensor x, int layer, KvCache cache, RotaryEmbedding rope) {
        int rows = x.size(0);
        long t = DecodeProfile.start(rows);
        Tensor n = rms(inputNorm, x);
        DecodeProfile.add(DecodeProfile.Op.NORM, t);
        Tensor a = attention.apply(n, layer, cache, rope);
        t = DecodeProfile.start(rows);
        Tensor h = Elementwise.add(x, a);
        DecodeProfile.add(DecodeProfile.Op.RESIDUAL, t);
        t = DecodeProfile.start(rows);
        n = rms(postAttentionNorm, h);
        DecodeProfile.add(DecodeProfile.Op.NORM, t);
        Tensor m = mlp.apply(n);
        t = DecodeProfile.start(rows);
        Tensor y = Elementwise.add(h, m);
        DecodeProfile.add(DecodeProfile.Op.RESIDUAL, t);
        return y;
    }

    static Tensor rms(RMSNorm n, Tensor x) { return Norm.rmsNorm(x, n.weight().value(), n.eps()); }
}
