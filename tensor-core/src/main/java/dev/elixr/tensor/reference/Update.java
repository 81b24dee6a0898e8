package dev.elixr.tensor.reference;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.AdamWStep;
import dev.elixr.tensor.backend.SgdStep;

/** Reference optimiser updates, in place on host tensors, element by element in double (the formulas as written). */
public final class Update {
    private Update() {}

    public static void adamW(Tensor w, Tensor g, Tensor m, Tensor v, AdamWStep s) {
        double bc1 = 1 - Math.pow(s.beta1(), s.step()), bc2 = 1 - Math.pow(s.beta2(), s.step());
        for (int i = 0; i < w.numel(); i++) {
            double wi = w.getFlat(i) * (1 - s.lr() * s.weightDecay()), gi = g.getFlat(i);
            double mi = s.beta1() * m.getFlat(i) + (1 - s.beta1()) * gi, vi = s.beta2() * v.getFlat(i) + (1 - s.beta2()) * gi * gi;
            m.storage().set(m.offset() + i, (float) mi);
            v.storage().set(v.offset() + i, (float) vi);
            w.storage().set(w.offset() + i, (float) (wi - s.lr() / bc1 * mi / (Math.sqrt(vi) / Math.sqrt(bc2) + s.eps())));
        }
    }

    public static void sgd(Tensor w, Tensor g, Tensor buf, SgdStep s) {
        for (int i = 0; i < w.numel(); i++) {
            double d = g.getFlat(i) + s.weightDecay() * w.getFlat(i);
            if (buf != null) {
                double b = s.firstStep() ? d : s.momentum() * buf.getFlat(i) + d;
                buf.storage().set(buf.offset() + i, (float) b);
                d = s.nesterov() ? d + s.momentum() * b : b;
            }
            w.storage().set(w.offset() + i, (float) (w.getFlat(i) - s.lr() * d));
        }
    }
}
