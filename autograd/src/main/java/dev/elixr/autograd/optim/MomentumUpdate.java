package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The momentum (exponential moving average) update of a key encoder from a query encoder of the same architecture
 * (He et al. 2020, MoCo, eq. 2): θk ← m·θk + (1 − m)·θq for every parameter; buffers (e.g. batch-norm running
 * statistics) are copied. Computed in float32 by elementwise ops on the parameters' device, so it is deterministic.
 */
public final class MomentumUpdate {
    private MomentumUpdate() {}

    /** Makes target an exact copy of source (the start of a momentum encoder). */
    public static void copy(Module target, Module source) {
        update(target, source, 0);
    }

    public static void update(Module target, Module source, double momentum) {
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum " + momentum + " is not in [0, 1)");
        float m = (float) momentum, q = (float) (1 - momentum);
        Map<String, Tensor> next = new LinkedHashMap<>();
        var own = target.namedParameters();
        source.namedParameters().forEach((name, p) -> {
            var k = own.get(name);
            if (k == null) throw new IllegalArgumentException("momentum update: the target has no parameter " + name);
            Tensor theta = k.value(), src = p.value();
            if (theta.numel() != src.numel()) throw new IllegalArgumentException("momentum update: " + name + " has "
                    + theta.numel() + " values in the target and " + src.numel() + " in the source");
            next.put(name, Elementwise.add(Elementwise.mul(theta, m), Elementwise.mul(src.reshape(theta.shape()).to(theta.device()), q)));
        });
        source.namedBuffers().forEach((name, b) -> next.put(name, b.copy()));
        target.loadStateDict(next, true);
    }
}
