package dev.elixr.tensor.ops;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.AdamWStep;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.backend.SgdStep;

/** Optimiser updates of one parameter tensor, in place on its device (parameter and state contiguous, same shape). */
public final class Update {
    private Update() {}

    /** AdamW (Loshchilov &amp; Hutter 2019, Algorithm 2): updates w, m and v in place from gradient g. */
    public static void adamW(Tensor w, Tensor g, Tensor m, Tensor v, AdamWStep step) {
        check("adamW", w, g, m, v);
        if (step.step() < 1) throw new IllegalArgumentException("adamW: step must be >= 1, got " + step.step());
        if (w.numel() > 0) Backends.of("adamW", w, g, m, v).adamW(w, g, m, v, step);
    }

    /** SGD with momentum and coupled weight decay (torch.optim.SGD, dampening 0): updates w and buf (null: no momentum). */
    public static void sgd(Tensor w, Tensor g, Tensor buf, SgdStep step) {
        if (buf == null) check("sgd", w, g);
        else check("sgd", w, g, buf);
        if (buf == null && step.momentum() != 0) throw new IllegalArgumentException("sgd: momentum " + step.momentum() + " needs a buffer");
        if (w.numel() > 0) Backends.of("sgd", w, g, buf).sgd(w, g, buf, step);
    }

    /** Same shapes; everything but the gradient (which is only read) contiguous. */
    private static void check(String op, Tensor w, Tensor g, Tensor... state) {
        if (!g.sameShape(w)) throw new IllegalArgumentException(op + ": gradient " + Outputs.str(g) + " differs from parameter " + Outputs.str(w));
        if (!w.isContiguous()) throw new IllegalArgumentException(op + ": the parameter " + Outputs.str(w) + " must be contiguous to update in place");
        for (Tensor s : state) {
            if (!s.sameShape(w) || !s.isContiguous()) {
                throw new IllegalArgumentException(op + ": state " + Outputs.str(s) + " must be contiguous and shaped as the parameter " + Outputs.str(w));
            }
        }
    }
}
