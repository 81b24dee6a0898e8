package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The momentum (exponential moving average) update of a key encoder from a query encoder of the same architecture
 * (He et al. 2020, MoCo, eq. 2): θk ← m·θk + (1 − m)·θq for every parameter; buffers (e.g. batch-norm running
 * statistics) are copied. Computed in float32, element by element, so it is deterministic.
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
            float[] theta = k.value().contiguous().toFloatArray(), src = p.value().contiguous().toFloatArray();
            if (theta.length != src.length) throw new IllegalArgumentException("momentum update: " + name + " has "
                    + theta.length + " values in the target and " + src.length + " in the source");
            for (int i = 0; i < theta.length; i++) theta[i] = m * theta[i] + q * src[i];
            next.put(name, Tensor.wrap(theta, p.value().shape()));
        });
        source.namedBuffers().forEach((name, b) -> next.put(name, Tensor.wrap(b.contiguous().toFloatArray(), b.shape())));
        target.loadStateDict(next, true);
    }
}
