package dev.elixr.tensor.cpu;

import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Attention;
import dev.elixr.tensor.ops.Conv;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.Loss;
import dev.elixr.tensor.ops.MatMul;
import dev.elixr.tensor.ops.Norm;
import dev.elixr.tensor.ops.Reduce;
import dev.elixr.tensor.ops.Softmax;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A fixed set of small op calls on seeded inputs (rows with vector tails at every width), run in a child
 * JVM by {@link TierDeterminismTest}: {@code TierProbe OUT ITERATIONS} runs every op ITERATIONS times and
 * writes the raw bits of the first and of the last result of each op to OUT.
 */
public final class TierProbe {
    private TierProbe() {}

    static Map<String, Supplier<Tensor>> ops() {
        Gen g = new Gen(20261127);
        Tensor x = g.values(2f, 3, 77), pos = g.uniform(0.01f, 50f, 3, 77), wide = g.values(4f, 3, 77);
        Tensor big = g.values(1f, 1 << 15), gamma = g.values(1f, 77), beta = g.values(1f, 77);
        Tensor a = g.values(1f, 13, 37), b = g.values(1f, 37, 29), bt = g.values(1f, 29, 37).t(), vec = g.values(1f, 37);
        Tensor q = g.values(1f, 1, 2, 9, 20), k = g.values(1f, 1, 2, 11, 20), v = g.values(1f, 1, 2, 11, 20);
        Tensor mask = g.values(1f, 1, 1, 9, 11);
        Tensor lq = g.values(1f, 1, 2, 70, 24), lk = g.values(1f, 1, 2, 70, 24), lv = g.values(1f, 1, 2, 70, 24);
        Tensor tall = g.values(1f, 96, 300), v300 = g.values(1f, 300), wide300 = g.values(1f, 300, 96);
        Tensor ta = g.values(1f, 5, 7), tb = g.values(1f, 7, 9), pa = g.values(1f, 128, 128), pb = g.values(1f, 128, 128);
        Tensor img = g.values(1f, 1, 3, 9, 11), w3 = g.values(1f, 4, 3, 3, 3), dw = g.values(1f, 3, 1, 3, 3);
        Map<String, Supplier<Tensor>> ops = new LinkedHashMap<>();
        ops.put("exp", () -> Elementwise.exp(x));
        ops.put("log", () -> Elementwise.log(pos));
        ops.put("tanh", () -> Elementwise.tanh(wide));
        ops.put("sigmoid", () -> Elementwise.sigmoid(wide));
        ops.put("silu", () -> Elementwise.silu(wide));
        ops.put("gelu", () -> Elementwise.gelu(wide));
        ops.put("geluErf", () -> Elementwise.geluErf(wide));
        ops.put("geluErfBackward", () -> Elementwise.geluErfBackward(x, wide));
        ops.put("geluBackward", () -> Elementwise.geluBackward(x, wide));
        ops.put("siluBackward", () -> Elementwise.siluBackward(x, wide));
        ops.put("pow", () -> Elementwise.pow(pos, 0.37f));
        ops.put("powTensor", () -> Elementwise.pow(pos, x));
        ops.put("sqrt/rsqrt", () -> Elementwise.rsqrt(pos));
        ops.put("sumRows", () -> Reduce.sum(x, false, 1));
        ops.put("meanRows", () -> Reduce.mean(x, false, 1));
        ops.put("sumAll", () -> Reduce.sum(big, false));
        ops.put("sumColumns", () -> Reduce.sum(x, false, 0));
        ops.put("variance", () -> Reduce.variance(x, 1, false, 1));
        ops.put("maxRows", () -> Reduce.max(x, false, 1));
        ops.put("softmax", () -> Softmax.softmax(wide, 1));
        ops.put("logSoftmax", () -> Softmax.logSoftmax(wide, 1));
        ops.put("softmaxStrided", () -> Softmax.softmax(wide, 0));
        Tensor deep = g.values(30f, 3, 77); // logits 30 apart: shifted exponentials on both sides of VectorMath.EXP_NORMAL_LO
        ops.put("softmaxDeep", () -> Softmax.softmax(deep, 1));
        ops.put("logSoftmaxBackward", () -> Softmax.logSoftmaxBackward(Softmax.logSoftmax(deep, 1), x, 1));
        ops.put("crossEntropyBackward", () -> Loss.crossEntropyBackward(deep, new int[] {3, 70, 15}, 0.1f, -1, 0.5f));
        ops.put("layerNorm", () -> Norm.layerNorm(x, gamma, beta, 1e-5f));
        ops.put("rmsNorm", () -> Norm.rmsNorm(x, gamma, 1e-6f));
        ops.put("softmaxLongRows", () -> Softmax.softmax(tall, 1)); // rows of 300: blocks of four vectors, leftovers, a tail
        ops.put("layerNormLongRows", () -> Norm.layerNorm(tall, v300, v300, 1e-5f));
        ops.put("matmul", () -> MatMul.matmul(a, b));
        ops.put("matmulTransposedB", () -> MatMul.matmul(a, bt));
        ops.put("matvec", () -> MatMul.matmul(a, vec));
        ops.put("matvecGemv", () -> MatMul.matmul(tall, v300));
        ops.put("vecmatGemv", () -> MatMul.matmul(v300, wide300));
        ops.put("matmulTiny", () -> MatMul.matmul(ta, tb));
        ops.put("matmulThreaded", () -> MatMul.matmul(pa, pb.t()));
        ops.put("attentionMasked", () -> Attention.scaledDotProduct(q, k, v, mask, false));
        ops.put("attentionCausal", () -> Attention.scaledDotProduct(q, k, v, null, true));
        ops.put("attentionLong", () -> Attention.scaledDotProduct(lq, lk, lv, null, true));
        ops.put("conv2d", () -> Conv.conv2d(img, w3, null, 1, 1, 1, 1));
        ops.put("depthwise", () -> Conv.conv2d(img, dw, null, 1, 1, 1, 3));
        ops.put("stem (channel multiplier 4)", () -> Conv.conv2d(img.narrow(1, 0, 1), w3.narrow(1, 0, 1), null, 2, 1, 1, 1));
        return ops;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int iterations = Integer.parseInt(args[1]);
        Map<String, Supplier<Tensor>> ops = ops();
        Map<String, float[]> first = new LinkedHashMap<>(), last = new LinkedHashMap<>();
        for (int it = 0; it < iterations; it++) {
            for (var e : ops.entrySet()) {
                float[] r = e.getValue().get().toFloatArray();
                if (it == 0) first.put(e.getKey(), r);
                last.put(e.getKey(), r);
            }
        }
        try (var o = new DataOutputStream(Files.newOutputStream(out))) {
            o.writeUTF(Simd.species().toString());
            o.writeInt(ops.size());
            for (String name : ops.keySet()) {
                o.writeUTF(name);
                write(o, first.get(name));
                write(o, last.get(name));
            }
        }
    }

    private static void write(DataOutputStream o, float[] r) throws IOException {
        o.writeInt(r.length);
        for (float f : r) o.writeInt(Float.floatToRawIntBits(f));
    }
}
