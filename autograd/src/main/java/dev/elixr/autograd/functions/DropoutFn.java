package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.Random;
import dev.elixr.tensor.random.SplitMix64;

import java.util.random.RandomGenerator;

/** Inverted dropout (Srivastava et al. 2014): keeps each element with probability 1-p and scales by 1/(1-p). */
public final class DropoutFn {
    private DropoutFn() {}

    /**
     * The mask is drawn on the tensor's device by tensor-core's counter-based kernel ({@link Random#dropoutMask}). With a
     * {@link SplitMix64} generator it is the mask that one nextFloat per element in row-major order would give, and the
     * generator moves past those draws; any other generator gives the kernel one nextLong as its seed.
     */
    public static Var dropout(Var x, float p, RandomGenerator rng, boolean training) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        if (!training || p == 0) return x;
        long seed;
        if (rng instanceof SplitMix64 s) {
            seed = s.state();
            s.skip(x.numel());
        } else {
            seed = rng.nextLong();
        }
        Tensor mask = Random.dropoutMask(seed, p, x.value().device(), x.shape());
        return Var.result("dropout", Elementwise.mul(x.value(), mask), g -> new Tensor[] {Elementwise.mul(g, mask)}, x);
    }
}
