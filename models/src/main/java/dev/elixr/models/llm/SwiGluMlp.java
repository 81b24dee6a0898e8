package dev.elixr.models.llm;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

/** The gated feed-forward of Llama (Shazeer 2020, "GLU Variants Improve Transformer", SwiGLU): down(silu(gate(x)) ⊙ up(x)). */
public final class SwiGluMlp extends Module {
    private final Projection gate, up, down;

    SwiGluMlp(LlamaConfig c, WeightSource src, String prefix) {
        this.gate = registerModule("gate_proj", new Projection(src, prefix + "gate_proj.", c.hiddenSize(), c.intermediateSize(), c.mlpBias()));
        this.up = registerModule("up_proj", new Projection(src, prefix + "up_proj.", c.hiddenSize(), c.intermediateSize(), c.mlpBias()));
        this.down = registerModule("down_proj", new Projection(src, prefix + "down_proj.", c.intermediateSize(), c.hiddenSize(), c.mlpBias()));
    }

    Var forward(Var x) { return down.forward(gate.forward(x).silu().mul(up.forward(x))); }

    Tensor apply(Tensor x) {
        int rows = x.size(0);
        long t = DecodeProfile.start(rows);
        Tensor[] gu = Projection.applyAll(x, gate, up);
        DecodeProfile.add(DecodeProfile.Op.GATE_UP, t);
        t = DecodeProfile.start(rows);
        Tensor g = Elementwise.mul(Elementwise.silu(gu[0]), gu[1]);
        DecodeProfile.add(DecodeProfile.Op.SWIGLU, t);
        t = DecodeProfile.start(rows);
        Tensor y = down.apply(g);
        DecodeProfile.add(DecodeProfile.Op.DOWN, t);
        return y;
    }
}
