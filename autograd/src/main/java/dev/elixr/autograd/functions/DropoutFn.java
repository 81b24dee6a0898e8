package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;

import java.util.random.RandomGenerator;

/** Inverted dropout (Srivastava et al. 2014): keeps each element with probability 1-p and scales by 1/(1-p). */
public final class DropoutFn {
    private DropoutFn() {}

    /** The mask is drawn on the host from rng in row-major order (one nextFloat per element): reproducible by seed. */
    public static Var dropout(Var x, float p, RandomGenerator rng, boolean training) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        if (!training || p == 0) return x;
        float keep = 1f / (1 - p);
        float[] m = new float[x.numel()];
        for (int i = 0; i < m.length; i++) m[i] = rng.nextFloat() >= p ? keep : 0f;
        Tensor mask = Host.put(m, x.shape(), x.value().device());
        return Var.result("dropout", Elementwise.mul(x.value(), mask), g -> new Tensor[] {Elementwise.mul(g, mask)}, x);
    }
}
