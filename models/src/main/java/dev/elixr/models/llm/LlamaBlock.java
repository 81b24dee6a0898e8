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
        Tensor h = Elementwise.add(x, attention.apply(rms(inputNorm, x), layer, cache, rope));
        return Elementwise.add(h, mlp.apply(rms(postAttentionNorm, h)));
    }

    static Tensor rms(RMSNorm n, Tensor x) { return Norm.rmsNorm(x, n.weight().value(), n.eps()); }
}
