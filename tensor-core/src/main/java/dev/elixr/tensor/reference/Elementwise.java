package dev.elixr.tensor.reference;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Reference elementwise functions, in double. */
public final class Elementwise {
    private Elementwise() {}

    public static Tensor add(Tensor a, Tensor b) { return zip(a, b, Double::sum); }
    public static Tensor sub(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x - y); }
    public static Tensor mul(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x * y); }
    public static Tensor div(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x / y); }
    public static Tensor pow(Tensor a, Tensor b) { return zip(a, b, Math::pow); }
    public static Tensor maximum(Tensor a, Tensor b) { return zip(a, b, Math::max); }
    public static Tensor minimum(Tensor a, Tensor b) { return zip(a, b, Math::min); }
    public static Tensor add(Tensor x, float s) { return map(x, v -> v + s); }
    public static Tensor sub(Tensor x, float s) { return map(x, v -> v - s); }
    public static Tensor mul(Tensor x, float s) { return map(x, v -> v * s); }
    public static Tensor div(Tensor x, float s) { return map(x, v -> v / s); }
    public static Tensor pow(Tensor x, float p) { return map(x, v -> Math.pow(v, p)); }

    public static Tensor neg(Tensor x) { return map(x, v -> -v); }
    public static Tensor exp(Tensor x) { return map(x, Math::exp); }
    public static Tensor log(Tensor x) { return map(x, Math::log); }
    public static Tensor sqrt(Tensor x) { return map(x, Math::sqrt); }
    public static Tensor rsqrt(Tensor x) { return map(x, v -> 1 / Math.sqrt(v)); }
    public static Tensor abs(Tensor x) { return map(x, Math::abs); }
    public static Tensor tanh(Tensor x) { return map(x, Math::tanh); }
    public static Tensor sigmoid(Tensor x) { return map(x, v -> 1 / (1 + Math.exp(-v))); }
    public static Tensor relu(Tensor x) { return map(x, v -> v > 0 ? v : 0); }
    public static Tensor gelu(Tensor x) {
        return map(x, v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
    }
    public static Tensor geluErf(Tensor x) { return map(x, v -> 0.5 * v * (1 + erf(v / Math.sqrt(2)))); }
    public static Tensor silu(Tensor x) { return map(x, v -> v / (1 + Math.exp(-v))); }
    public static Tensor reciprocal(Tensor x) { return map(x, v -> 1 / v); }
    public static Tensor square(Tensor x) { return map(x, v -> v * v); }
    public static Tensor clamp(Tensor x, float lo, float hi) { return map(x, v -> v < lo ? lo : v > hi ? hi : v); }

    public static Tensor tanhBackward(Tensor g, Tensor y) { return zip(g, y, (d, v) -> d * (1 - v * v)); }
    public static Tensor sigmoidBackward(Tensor g, Tensor y) { return zip(g, y, (d, v) -> d * v * (1 - v)); }
    public static Tensor reluBackward(Tensor g, Tensor x) { return zip(g, x, (d, v) -> v > 0 ? d : 0); }
    public static Tensor geluBackward(Tensor g, Tensor x) {
        return zip(g, x, (d, v) -> {
            double k = Math.sqrt(2 / Math.PI), t = Math.tanh(k * (v + 0.044715 * v * v * v));
            return d * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k * (1 + 3 * 0.044715 * v * v));
        });
    }
    public static Tensor geluErfBackward(Tensor g, Tensor x) {
        return zip(g, x, (d, v) -> d * (0.5 * (1 + erf(v / Math.sqrt(2))) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI)));
    }
    public static Tensor siluBackward(Tensor g, Tensor x) {
        return zip(g, x, (d, v) -> {
            double s = 1 / (1 + Math.exp(-v));
            return d * s * (1 + v * (1 - s));
        });
    }

    public static Tensor eq(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x == y ? 1 : 0); }
    public static Tensor ne(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x != y ? 1 : 0); }
    public static Tensor lt(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x < y ? 1 : 0); }
    public static Tensor le(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x <= y ? 1 : 0); }
    public static Tensor gt(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x > y ? 1 : 0); }
    public static Tensor ge(Tensor a, Tensor b) { return zip(a, b, (x, y) -> x >= y ? 1 : 0); }
    public static Tensor eq(Tensor a, float s) { return map(a, x -> x == s ? 1 : 0); }
    public static Tensor ne(Tensor a, float s) { return map(a, x -> x != s ? 1 : 0); }
    public static Tensor lt(Tensor a, float s) { return map(a, x -> x < s ? 1 : 0); }
    public static Tensor le(Tensor a, float s) { return map(a, x -> x <= s ? 1 : 0); }
    public static Tensor gt(Tensor a, float s) { return map(a, x -> x > s ? 1 : 0); }
    public static Tensor ge(Tensor a, float s) { return map(a, x -> x >= s ? 1 : 0); }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("where", cond.shape(), a.shape(), b.shape());
        double[] out = new double[Nd.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Nd.unravel(i, shape);
            out[i] = Nd.at(cond, idx) != 0 ? Nd.at(a, idx) : Nd.at(b, idx);
        }
        return Nd.tensor(out, shape);
    }

    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        int[] shape = x.shape();
        double[] out = new double[Nd.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Nd.unravel(i, shape);
            out[i] = Nd.at(mask, idx) != 0 ? value : Nd.at(x, idx);
        }
        return Nd.tensor(out, shape);
    }

    static Tensor map(Tensor x, DoubleUnaryOperator f) {
        int[] shape = x.shape();
        double[] out = new double[Nd.numel(shape)];
        for (int i = 0; i < out.length; i++) out[i] = f.applyAsDouble(x.get(Nd.unravel(i, shape)));
        return Nd.tensor(out, shape);
    }

    static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator f) {
        int[] shape = Shape.broadcast("reference", a.shape(), b.shape());
        double[] out = new double[Nd.numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = Nd.unravel(i, shape);
            out[i] = f.applyAsDouble(Nd.at(a, idx), Nd.at(b, idx));
        }
        return Nd.tensor(out, shape);
    }

    /** erf in double: Maclaurin series below 3, continued fraction of erfc above (errors below 1e-13). */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax, sum = ax;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = ax; // erfc(x) = exp(-x²)/√π / (x + 1/2/(x + 1/(x + 3/2/(x + ...))))
            for (int n = 60; n >= 1; n--) f = ax + (n / 2.0) / f;
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return Math.copySign(r, x);
    }
}
