package dev.elixr.models.llm;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.ModuleList;
import dev.elixr.autograd.nn.RMSNorm;
import dev.elixr.tensor.Tensor;

/** The decoder stack (Hugging Face's {@code model.}): token embedding, the layers, the final RMSNorm. */
public final class LlamaDecoder extends Module {
    private final TokenEmbedding embedTokens;
    private final ModuleList<LlamaBlock> layers;
    private final RMSNorm norm;

    LlamaDecoder(LlamaConfig c, WeightSource src, String prefix) {
        this.embedTokens = registerModule("embed_tokens", new TokenEmbedding(src, prefix + "embed_tokens.", c.vocabSize(), c.hiddenSize()));
        this.layers = registerModule("layers", new ModuleList<>());
        for (int l = 0; l < c.numLayers(); l++) layers.add(new LlamaBlock(c, src, prefix + "layers." + l + "."));
        this.norm = registerModule("norm", norm(c, src, prefix + "norm."));
    }

    static RMSNorm norm(LlamaConfig c, WeightSource src, String prefix) {
        RMSNorm n = new RMSNorm(c.hiddenSize(), c.rmsNormEps());
        n.weight().assign(src.norm(prefix + "weight", c.hiddenSize()));
        return n;
    }

    public TokenEmbedding embedTokens() { return embedTokens; }

    /** The differentiable form: x [B, T, hidden] → normalised hidden states (training; no cache). */
    Var forward(Var x, RotaryEmbedding rope) {
        for (int l = 0; l < layers.size(); l++) x = layers.get(l).forward(x, rope);
        return norm.forward(x);
    }

    /** x [T, hidden] at positions cache.length() … → normalised hidden states [T, hidden]; commits T positions. */
    Tensor apply(Tensor x, KvCache cache, RotaryEmbedding rope) {
        cache.ensureRoom(x.size(0));
        for (int l = 0; l < layers.size(); l++) x = layers.get(l).apply(x, l, cache, rope);
        cache.advance(x.size(0));
        long t = DecodeProfile.start(x.size(0));
        Tensor y = LlamaBlock.rms(norm, x);
        DecodeProfile.add(DecodeProfile.Op.NORM, t);
        return y;
    }
}
