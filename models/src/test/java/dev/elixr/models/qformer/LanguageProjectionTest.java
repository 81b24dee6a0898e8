package dev.elixr.models.qformer;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.check.GradCheck;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LanguageProjectionTest {
    @ParameterizedTest
    @EnumSource(LanguageProjection.Kind.class)
    void mapsQueryOutputsToTheLlmWidthAndNamesParametersAsHuggingFace(LanguageProjection.Kind kind) {
        var p = new LanguageProjection(kind, 6, 10, new SplittableRandom(1));
        Var y = p.forward(Var.of(Tensor.randn(2, 3, 5, 6)));
        assertArrayEquals(new int[] {3, 5, 10}, y.shape());
        List<String> names = List.copyOf(p.namedParameters().keySet());
        assertEquals(kind == LanguageProjection.Kind.LINEAR ? List.of("weight", "bias") : List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), names);
        if (kind == LanguageProjection.Kind.LINEAR) assertArrayEquals(new int[] {10, 6}, p.namedParameters().get("weight").shape());
    }

    @ParameterizedTest
    @EnumSource(LanguageProjection.Kind.class)
    void refusesQueryOutputsOfAnotherWidthNamingTheShape(LanguageProjection.Kind kind) {
        var p = new LanguageProjection(kind, 6, 10, new SplittableRandom(1));
        var e = assertThrows(IllegalArgumentException.class, () -> p.forward(Var.of(Tensor.randn(2, 3, 5, 7))));
        assertTrue(e.getMessage().contains("[3,5,7]") || e.getMessage().contains("[3, 5, 7]"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(LanguageProjection.Kind.class)
    void inputGradientMatchesFiniteDifferences(LanguageProjection.Kind kind) {
        var p = new LanguageProjection(kind, 4, 5, new SplittableRandom(3));
        p.freeze();
        GradCheck.check(v -> p.forward(v[0]), 11, GradCheck.grid(Tensor.randn(4, 2, 3, 4)));
    }

    /** Each parameter's gradient of Σ w⊙y against a fourth-order central difference, element by element. */
    @ParameterizedTest
    @EnumSource(LanguageProjection.Kind.class)
    void parameterGradientsMatchFiniteDifferences(LanguageProjection.Kind kind) {
        var p = new LanguageProjection(kind, 3, 4, new SplittableRandom(5));
        for (Parameter q : p.parameters()) q.assign(GradCheck.grid(q.value()));
        Tensor x = GradCheck.grid(Tensor.randn(6, 2, 2, 3));
        float[] w = Tensor.randn(7, 2, 2, 4).toFloatArray();
        Var y = p.forward(Var.of(x));
        y.backward(Tensor.of(w, y.shape()));
        for (Parameter q : p.parameters()) {
            float[] g = q.grad().toFloatArray(), base = q.value().toFloatArray();
            for (int e = 0; e < base.length; e++) {
                double h = 0x1p-6, num = (probe(p, q, base, e, -2 * h, x, w) - 8 * probe(p, q, base, e, -h, x, w)
                        + 8 * probe(p, q, base, e, h, x, w) - probe(p, q, base, e, 2 * h, x, w)) / (12 * h);
                assertEquals(num, g[e], 2e-3 + 2e-3 * Math.abs(num), "parameter element " + e);
            }
            q.assign(Tensor.of(base, q.shape()));
        }
    }

    private static double probe(LanguageProjection p, Parameter q, float[] base, int e, double d, Tensor x, float[] w) {
        float[] v = base.clone();
        v[e] = (float) (v[e] + d);
        q.assign(Tensor.of(v, q.shape()));
        float[] y = p.forward(Var.of(x)).value().toFloatArray();
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) w[i] * y[i];
        q.assign(Tensor.of(base, q.shape()));
        return s;
    }
}
