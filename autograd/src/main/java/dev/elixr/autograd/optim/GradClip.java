package dev.elixr.autograd.optim;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.functions.Host;
import dev.elixr.tensor.ops.Elementwise;

import java.util.Collection;

/** Gradient clipping by global norm (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales all gradients by min(1, maxNorm/(‖g‖+1e-6)) where ‖g‖ is the L2 norm over all of them;
     * returns ‖g‖ before clipping. Gradients are replaced by scaled copies, never written in place.
     */
    public static double clipGlobalNorm(Collection<? extends Var> params, double maxNorm) {
        double sq = 0;
        for (Var p : params) {
            if (p.grad() == null) continue;
            for (float v : Host.read(p.grad())) sq += (double) v * v;
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (Var p : params) {
                if (p.grad() == null) continue;
                p.setGrad(Elementwise.mul(p.grad(), c)); // a new tensor on the gradient's device
            }
        }
        return total;
    }
}
