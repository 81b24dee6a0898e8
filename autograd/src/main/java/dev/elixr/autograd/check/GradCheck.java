package dev.elixr.autograd.check;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks a backward against finite differences. The scalar probed is L(x) = Σ w⊙f(x) with fixed random
 * weights w, accumulated in double; its derivative per input element is estimated by the fourth-order
 * central difference [L(x−2h) − 8L(x−h) + 8L(x+h) − L(x+2h)] / 12h, computed in double from float32
 * forwards, and compared with the gradient from one backward pass seeded with w. Steps are powers of two,
 * so inputs on a coarse binary grid (e.g. multiples of 2⁻¹⁰, see {@link #grid}) are perturbed exactly.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Worst disagreement found: input index, flat element, analytic and numeric derivative. */
    public record Result(double maxError, int input, int element, double analytic, double numeric) {}

    /**
     * Runs f on inputs (each becomes a leaf that requires grad) and throws an AssertionError naming the input,
     * element and both derivatives when |analytic − numeric| &gt; atol + rtol·|numeric| anywhere.
     */
    public static Result check(Function<Var[], Var> f, long seed, double h, double atol, double rtol, Tensor... inputs) {
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) vars[i] = Var.param(Tensor.of(inputs[i].toFloatArray(), inputs[i].shape()));
        Var out = f.apply(vars);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w = new float[out.numel()];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextDouble() * 2 - 1);
        out.backward(Tensor.of(w, out.shape()));
        Result worst = new Result(0, -1, -1, 0, 0);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            float[] base = inputs[i].toFloatArray();
            Tensor grad = vars[i].grad();
            float[] analytic = grad == null ? new float[base.length] : grad.toFloatArray();
            for (int e = 0; e < base.length; e++) {
                double step = powerOfTwo(h * Math.max(1, Math.abs(base[e])));
                double num = (probe(f, inputs, i, e, -2 * step, w) - 8 * probe(f, inputs, i, e, -step, w)
                        + 8 * probe(f, inputs, i, e, step, w) - probe(f, inputs, i, e, 2 * step, w)) / (12 * step);
                double err = Math.abs(analytic[e] - num);
                if (err > worst.maxError()) worst = new Result(err, i, e, analytic[e], num);
                if (err > atol + rtol * Math.abs(num) && failures.size() < 8) {
                    failures.add("input " + i + " " + Shape.str(inputs[i].shape()) + " element " + e + ": backward " + analytic[e] + ", finite difference " + num);
                }
            }
        }
        if (!failures.isEmpty()) throw new AssertionError("gradient check failed (atol " + atol + ", rtol " + rtol + "):\n  " + String.join("\n  ", failures));
        return worst;
    }

    /** Defaults suited to float32 forwards of values of order one: h 2⁻⁶, atol 2e-3, rtol 2e-3. */
    public static Result check(Function<Var[], Var> f, long seed, Tensor... inputs) { return check(f, seed, 0x1p-6, 2e-3, 2e-3, inputs); }

    /** The power of two nearest below s: x ± k·step is then exact in float32 for inputs on a coarse binary grid. */
    private static double powerOfTwo(double s) { return Math.scalb(1.0, Math.getExponent(s)); }

    /** Values rounded to multiples of 2⁻¹⁰ (perturbations by power-of-two steps stay exact). */
    public static Tensor grid(Tensor t) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i] * 1024f) / 1024f;
        return Tensor.wrap(v, t.shape());
    }

    private static double probe(Function<Var[], Var> f, Tensor[] inputs, int which, int element, double delta, float[] w) {
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            float[] v = inputs[i].toFloatArray();
            if (i == which) v[element] = (float) (v[element] + delta);
            vars[i] = Var.of(Tensor.wrap(v, inputs[i].shape()));
        }
        try (var g = GradMode.noGrad()) {
            float[] y = f.apply(vars).value().toFloatArray();
            double s = 0;
            for (int j = 0; j < y.length; j++) s += (double) w[j] * y[j];
            return s;
        }
    }
}
