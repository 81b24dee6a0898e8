package dev.elixr.autograd.optim;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.MatMul;

import java.util.Collection;

/** Gradient clipping by global norm (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales all gradients by min(1, maxNorm/(‖g‖+1e-6)) where ‖g‖ is the L2 norm over all of them;
     * returns ‖g‖ before clipping. The squares are summed on the gradients' device (a dot product per gradient) and only the total is read to the
     * host (one scalar, which the caller also logs and checks for NaN). Gradients are replaced by scaled copies,
     * never written in place.
     */
    public static double clipGlobalNorm(Collection<? extends Var> params, double maxNorm) {
        Tensor sq = null;
        for (Var p : params) {
            if (p.grad() == null) continue;
            Tensor flat = p.grad().reshape(p.grad().numel());
            Tensor s = MatMul.matmul(flat, flat); // ‖g‖² as a dot product: one pass, no temporary
            sq = sq == null ? s : Elementwise.add(sq, s.to(sq.device()));
        }
        if (sq == null) return 0;
        double total = Math.sqrt(sq.toCpu().item());
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
