package dev.elixr.models.vision;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.transformer.Dense;
import dev.elixr.models.transformer.QkvAttention;

import java.util.random.RandomGenerator;

/**
 * A pre-norm transformer block (Dosovitskiy et al. 2021, eqs. 2–3): x + MSA(LN(x)), then x + MLP(LN(x)).
 * Names follow Hugging Face's {@code ViTLayer}.
 */
public final class VitLayer extends Module {
    private final VitConfig config;
    private final LayerNorm before, after;
    private final Attention attention;
    private final Dense intermediate, output;
    private final RandomGenerator rng;

    /** HF's {@code attention.attention.{query,key,value}} and {@code attention.output.dense}. */
    static final class Attention extends Module {
        final QkvAttention attention;
        final Dense output;

        Attention(VitConfig c, RandomGenerator rng) {
            attention = registerModule("attention", new QkvAttention(c.hiddenSize(), c.hiddenSize(), c.numHeads(), c.qkvBias(), rng));
            output = registerModule("output", new Dense(c.hiddenSize(), c.hiddenSize(), rng));
        }
    }

    public VitLayer(VitConfig c, RandomGenerator rng) {
        this.config = c;
        this.rng = rng;
        this.before = registerModule("layernorm_before", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
        this.attention = registerModule("attention", new Attention(c, rng));
        this.after = registerModule("layernorm_after", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
        this.intermediate = registerModule("intermediate", new Dense(c.hiddenSize(), c.intermediateSize(), rng));
        this.output = registerModule("output", new Dense(c.intermediateSize(), c.hiddenSize(), rng));
    }

    public Var forward(Var x) {
        Var a = attention.output.forward(attention.attention.forward(before.forward(x), null));
        x = x.add(dropout(a));
        Var h = config.hiddenAct().forward(intermediate.forward(after.forward(x)));
        return x.add(dropout(output.forward(h)));
    }

    private Var dropout(Var y) {
        return isTraining() && config.dropout() > 0 ? Functional.dropout(y, config.dropout(), rng, true) : y;
    }
}
