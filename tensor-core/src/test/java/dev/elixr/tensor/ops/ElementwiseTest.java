package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static dev.elixr.tensor.reference.Elementwise.*;

/** Every elementwise op against its double reference: random shapes, layouts and broadcasts. */
public class ElementwiseTest {
    public record U(UnaryOperator<Tensor> op, UnaryOperator<Tensor> ref, float lo, float hi) {}
    public record B(BinaryOperator<Tensor> op, BinaryOperator<Tensor> ref, boolean integers, boolean positiveA, boolean positiveB) {}

    public static final Map<String, U> UNARY = new LinkedHashMap<>();
    public static final Map<String, B> BINARY = new LinkedHashMap<>();

    static {
        UNARY.put("neg", new U(Elementwise::neg, dev.elixr.tensor.reference.Elementwise::neg, -5, 5));
        UNARY.put("exp", new U(Elementwise::exp, dev.elixr.tensor.reference.Elementwise::exp, -10, 10));
        UNARY.put("log", new U(Elementwise::log, dev.elixr.tensor.reference.Elementwise::log, 0.01f, 50));
        UNARY.put("sqrt", new U(Elementwise::sqrt, dev.elixr.tensor.reference.Elementwise::sqrt, 0, 50));
        UNARY.put("rsqrt", new U(Elementwise::rsqrt, dev.elixr.tensor.reference.Elementwise::rsqrt, 0.01f, 50));
        UNARY.put("abs", new U(Elementwise::abs, dev.elixr.tensor.reference.Elementwise::abs, -5, 5));
        UNARY.put("tanh", new U(Elementwise::tanh, dev.elixr.tensor.reference.Elementwise::tanh, -6, 6));
        UNARY.put("sigmoid", new U(Elementwise::sigmoid, dev.elixr.tensor.reference.Elementwise::sigmoid, -20, 20));
        UNARY.put("relu", new U(Elementwise::relu, dev.elixr.tensor.reference.Elementwise::relu, -5, 5));
        UNARY.put("gelu", new U(Elementwise::gelu, dev.elixr.tensor.reference.Elementwise::gelu, -6, 6));
        UNARY.put("geluErf", new U(Elementwise::geluErf, dev.elixr.tensor.reference.Elementwise::geluErf, -6, 6));
        UNARY.put("silu", new U(Elementwise::silu, dev.elixr.tensor.reference.Elementwise::silu, -20, 20));
        UNARY.put("reciprocal", new U(Elementwise::reciprocal, dev.elixr.tensor.reference.Elementwise::reciprocal, 0.1f, 5));
        UNARY.put("square", new U(Elementwise::square, dev.elixr.tensor.reference.Elementwise::square, -5, 5));
        UNARY.put("clamp", new U(x -> Elementwise.clamp(x, -0.5f, 1.25f), x -> clamp(x, -0.5f, 1.25f), -3, 3));
        UNARY.put("add(s)", new U(x -> Elementwise.add(x, 1.5f), x -> add(x, 1.5f), -3, 3));
        UNARY.put("sub(s)", new U(x -> Elementwise.sub(x, 0.25f), x -> sub(x, 0.25f), -3, 3));
        UNARY.put("mul(s)", new U(x -> Elementwise.mul(x, -3f), x -> mul(x, -3f), -3, 3));
        UNARY.put("div(s)", new U(x -> Elementwise.div(x, 7f), x -> div(x, 7f), -3, 3));
        UNARY.put("pow(s)", new U(x -> Elementwise.pow(x, 2.5f), x -> pow(x, 2.5f), 0, 3));
        UNARY.put("lt(s)", new U(x -> Elementwise.lt(x, 0.5f), x -> lt(x, 0.5f), -2, 2));
        UNARY.put("ge(s)", new U(x -> Elementwise.ge(x, 0f), x -> ge(x, 0f), -2, 2));

        BINARY.put("add", new B(Elementwise::add, dev.elixr.tensor.reference.Elementwise::add, false, false, false));
        BINARY.put("sub", new B(Elementwise::sub, dev.elixr.tensor.reference.Elementwise::sub, false, false, false));
        BINARY.put("mul", new B(Elementwise::mul, dev.elixr.tensor.reference.Elementwise::mul, false, false, false));
        BINARY.put("div", new B(Elementwise::div, dev.elixr.tensor.reference.Elementwise::div, false, false, true));
        BINARY.put("pow", new B(Elementwise::pow, dev.elixr.tensor.reference.Elementwise::pow, false, true, false));
        BINARY.put("maximum", new B(Elementwise::maximum, dev.elixr.tensor.reference.Elementwise::maximum, false, false, false));
        BINARY.put("minimum", new B(Elementwise::minimum, dev.elixr.tensor.reference.Elementwise::minimum, false, false, false));
        BINARY.put("eq", new B(Elementwise::eq, dev.elixr.tensor.reference.Elementwise::eq, true, false, false));
        BINARY.put("ne", new B(Elementwise::ne, dev.elixr.tensor.reference.Elementwise::ne, true, false, false));
        BINARY.put("lt", new B(Elementwise::lt, dev.elixr.tensor.reference.Elementwise::lt, true, false, false));
        BINARY.put("le", new B(Elementwise::le, dev.elixr.tensor.reference.Elementwise::le, true, false, false));
        BINARY.put("gt", new B(Elementwise::gt, dev.elixr.tensor.reference.Elementwise::gt, true, false, false));
        BINARY.put("ge", new B(Elementwise::ge, dev.elixr.tensor.reference.Elementwise::ge, true, false, false));
        BINARY.put("tanhBackward", new B(Elementwise::tanhBackward, dev.elixr.tensor.reference.Elementwise::tanhBackward, false, false, false));
        BINARY.put("sigmoidBackward", new B(Elementwise::sigmoidBackward, dev.elixr.tensor.reference.Elementwise::sigmoidBackward, false, false, false));
        BINARY.put("reluBackward", new B(Elementwise::reluBackward, dev.elixr.tensor.reference.Elementwise::reluBackward, false, false, false));
        BINARY.put("geluBackward", new B(Elementwise::geluBackward, dev.elixr.tensor.reference.Elementwise::geluBackward, false, false, false));
        BINARY.put("geluErfBackward", new B(Elementwise::geluErfBackward, dev.elixr.tensor.reference.Elementwise::geluErfBackward, false, false, false));
        BINARY.put("siluBackward", new B(Elementwise::siluBackward, dev.elixr.tensor.reference.Elementwise::siluBackward, false, false, false));
    }

    static Stream<Arguments> unaryCases() {
        return UNARY.keySet().stream().flatMap(n -> LongStream.range(0, 6).mapToObj(s -> Arguments.of(n, s)));
    }

    static Stream<Arguments> binaryCases() {
        return BINARY.keySet().stream().flatMap(n -> LongStream.range(0, 8).mapToObj(s -> Arguments.of(n, s)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("unaryCases")
    void unaryMatchesReference(String name, long seed) {
        U u = UNARY.get(name);
        Gen g = new Gen(seed);
        int[] shape = g.shape(0, 4);
        Tensor x = g.layout(g.uniform(u.lo(), u.hi(), shape));
        if (seed % 3 == 2 && shape.length > 0) { // a broadcast (stride-0) input
            int[] small = shape.clone();
            small[0] = 1;
            x = g.layout(g.uniform(u.lo(), u.hi(), small)).expand(shape);
        }
        Close.assertClose(u.ref().apply(x), u.op().apply(x), 1e-6, 2e-6, name + " on " + Shape.str(shape));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("binaryCases")
    void binaryMatchesReference(String name, long seed) {
        B b = BINARY.get(name);
        Gen g = new Gen(seed);
        int[] shape = g.shape(0, 4);
        int[] sa = seed % 4 == 0 ? shape : g.broadcastable(shape), sb = seed % 4 == 1 ? shape : g.broadcastable(shape);
        Tensor x = g.layout(operand(g, b.integers(), b.positiveA(), sa)), y = g.layout(operand(g, b.integers(), b.positiveB(), sb));
        if (seed % 4 == 3) y = y.expand(Shape.broadcast("test", sa, sb));
        Close.assertClose(b.ref().apply(x, y), b.op().apply(x, y), 1e-6, 4e-6,
                name + " " + Shape.str(x.shape()) + " with " + Shape.str(y.shape()));
    }

    public static Tensor operand(Gen g, boolean integers, boolean positive, int[] shape) {
        if (positive) return g.uniform(0.5f, 2f, shape);
        Tensor t = g.values(2f, shape);
        if (!integers) return t;
        float[] d = t.toFloatArray();
        for (int i = 0; i < d.length; i++) d[i] = Math.round(d[i]);
        return Tensor.wrap(d, shape);
    }

    static Stream<Long> seeds() { return LongStream.range(0, 10).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void whereAndMaskedFillMatchReference(long seed) {
        Gen g = new Gen(seed);
        int[] shape = g.shape(1, 4);
        Tensor cond = g.layout(Elementwise.gt(g.values(1f, g.broadcastable(shape)), 0f));
        Tensor a = g.tensor(g.broadcastable(shape)), b = g.tensor(shape);
        Close.assertClose(where(cond, a, b), Elementwise.where(cond, a, b), 0, "where");
        Close.assertClose(maskedFill(b, cond, -1e9f), Elementwise.maskedFill(b, cond, -1e9f), 0, "maskedFill");
    }
}
