package dev.elixr.autograd.nn;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.GradMode;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.opencl.OpenClBackend;
import dev.elixr.tensor.opencl.OpenClTestDevice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transformer pieces on an OpenCL device against the same modules on the CPU: forward and backward of a
 * pre-norm block (layer norm, causal or full self-attention, GELU MLP, residuals), and no-grad forward passes
 * shaped like a ViT (conv patch embedding, CLS concat, position add) and a BERT encoder (embedding gathers,
 * additive padding mask, post-norm), which must not copy anything to or from the host on the way.
 * Tolerance 1e-5 relative to the largest reference value: the device sums in another order (tree reductions).
 */
class OpenClBlockTest {
    static final int D = 8, HEADS = 2;
    static Device dev;

    @BeforeAll
    static void device() { dev = OpenClTestDevice.require(); }

    /** A pre-norm (ViT / GPT-2 style) transformer block. */
    static final class Block extends Module {
        final LayerNorm ln1, ln2;
        final MultiHeadAttention attn;
        final Mlp mlp;

        Block(SplitMix64 rng) {
            ln1 = registerModule("ln1", new LayerNorm(D, 1e-6f));
            attn = registerModule("attn", new MultiHeadAttention(D, HEADS, true, rng));
            ln2 = registerModule("ln2", new LayerNorm(D, 1e-6f));
            mlp = registerModule("mlp", new Mlp(D, 2 * D, D, Activation.GELU, rng));
            randomiseNorms(this, rng);
        }

        Var forward(Var x, Tensor mask, boolean causal) {
            Var h = x.add(attn.forward(ln1.forward(x), mask, causal));
            return h.add(mlp.forward(ln2.forward(h)));
        }
    }

    /** Layer-norm weights away from (1, 0), so that their gradients and the affine kernels are really exercised. */
    static void randomiseNorms(Module m, SplitMix64 rng) {
        m.namedParameters().forEach((n, p) -> {
            if (n.contains("ln") && p.dim() == 1) p.assign(Tensor.uniform(rng, 0.5f, 1.5f, p.shape()));
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void blockForwardAndBackwardMatchTheCpu(boolean causal) {
        Block cpu = new Block(new SplitMix64(11)), gpu = new Block(new SplitMix64(11));
        gpu.to(dev);
        SplitMix64 rng = new SplitMix64(12);
        Tensor x = Tensor.normal(rng, 0f, 1f, 2, 5, D), w = Tensor.normal(rng, 0f, 1f, 2, 5, D);
        Var xc = Var.param(x), xg = Var.param(x.to(dev));

        Var yc = cpu.forward(xc, null, causal), yg = gpu.forward(xg, null, causal);
        assertEquals(dev, yg.value().device());
        yc.mul(Var.of(w)).sumAll().backward();
        yg.mul(Var.of(w.to(dev))).sumAll().backward();

        close("output", yc.value(), yg.value());
        close("x.grad", xc.grad(), xg.grad());
        Map<String, Parameter> pg = gpu.namedParameters();
        cpu.namedParameters().forEach((n, p) -> {
            assertEquals(dev, pg.get(n).grad().device(), n + ".grad should stay on the device");
            close(n + ".grad", p.grad(), pg.get(n).grad());
        });
    }

    /** Patch embedding, CLS token, position embeddings, one block, final norm. */
    static final class TinyVit extends Module {
        final Conv2d patch;
        final Parameter cls, pos;
        final Block block;
        final LayerNorm norm;

        TinyVit(SplitMix64 rng) {
            patch = registerModule("patch", new Conv2d(3, D, 4, 4, 0, true, rng));
            cls = registerParameter("cls", Tensor.normal(rng, 0f, 1f, 1, 1, D));
            pos = registerParameter("pos", Tensor.normal(rng, 0f, 1f, 1, 5, D));
            block = registerModule("block", new Block(rng));
            norm = registerModule("ln", new LayerNorm(D, 1e-6f));
            randomiseNorms(this, rng);
        }

        Var forward(Var pixels) {
            Var tokens = patch.forward(pixels).flatten(2, 3).transpose(1, 2);
            Var x = Functional.concat(1, cls.expand(pixels.size(0), 1, D), tokens).add(pos);
            return norm.forward(block.forward(x, null, false));
        }
    }

    /** Word + position + token-type embeddings, layer norm, one post-norm layer with a padding mask. */
    static final class TinyBert extends Module {
        final Embedding word, position, type;
        final LayerNorm embNorm, attnNorm, outNorm;
        final MultiHeadAttention attn;
        final Mlp mlp;

        TinyBert(SplitMix64 rng) {
            word = registerModule("word", new Embedding(20, D, rng));
            position = registerModule("position", new Embedding(8, D, rng));
            type = registerModule("type", new Embedding(2, D, rng));
            embNorm = registerModule("ln0", new LayerNorm(D, 1e-12f));
            attn = registerModule("attn", new MultiHeadAttention(D, HEADS, true, rng));
            attnNorm = registerModule("ln1", new LayerNorm(D, 1e-12f));
            mlp = registerModule("mlp", new Mlp(D, 2 * D, D, Activation.GELU, rng));
            outNorm = registerModule("ln2", new LayerNorm(D, 1e-12f));
            randomiseNorms(this, rng);
        }

        Var forward(int[] ids, int[] types, Tensor mask) {
            int t = ids.length;
            int[] positions = java.util.stream.IntStream.range(0, t).toArray();
            Var x = embNorm.forward(word.forward(ids, 1, t).add(position.forward(positions, 1, t)).add(type.forward(types, 1, t)));
            Var h = attnNorm.forward(x.add(attn.forward(x, mask, false)));
            return outNorm.forward(h.add(mlp.forward(h))).softmax(-1);
        }
    }

    @Test
    void vitShapedForwardStaysOnTheDevice() {
        TinyVit cpu = new TinyVit(new SplitMix64(21)), gpu = new TinyVit(new SplitMix64(21));
        gpu.to(dev).eval();
        cpu.eval();
        Tensor pixels = Tensor.normal(new SplitMix64(22), 0f, 1f, 2, 3, 8, 8), onDev = pixels.to(dev);
        try (var g = GradMode.noGrad()) {
            Tensor expected = cpu.forward(Var.of(pixels)).value();
            Tensor actual = withoutHostCopies(() -> gpu.forward(Var.of(onDev)).value());
            close("ViT-shaped output", expected, actual);
        }
    }

    @Test
    void bertShapedForwardStaysOnTheDevice() {
        TinyBert cpu = new TinyBert(new SplitMix64(31)), gpu = new TinyBert(new SplitMix64(31));
        gpu.to(dev).eval();
        cpu.eval();
        int[] ids = {1, 7, 19, 3, 0, 0}, types = {0, 0, 1, 1, 0, 0};
        Tensor mask = Tensor.of(new float[] {0, 0, 0, 0, -10000f, -10000f}, 1, 1, 1, 6), maskOnDev = mask.to(dev);
        try (var g = GradMode.noGrad()) {
            Tensor expected = cpu.forward(ids, types, mask).value();
            Tensor actual = withoutHostCopies(() -> gpu.forward(ids, types, maskOnDev).value());
            close("BERT-shaped output", expected, actual);
        }
    }

    /** Runs f, checks that it made no host-device copies of tensors and that its result lives on the device. */
    static Tensor withoutHostCopies(java.util.function.Supplier<Tensor> f) {
        OpenClBackend b = (OpenClBackend) Backends.forDevice(dev);
        long up = b.uploads(), down = b.downloads();
        Tensor out = f.get();
        assertEquals(up, b.uploads(), "tensors copied from the host during the forward pass");
        assertEquals(down, b.downloads(), "tensors read back to the host during the forward pass");
        assertEquals(dev, out.device(), "the output should stay on the device");
        return out;
    }

    static void close(String what, Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray(), a = actual.toCpu().toFloatArray();
        assertEquals(e.length, a.length, what + ": size");
        double scale = 1, worst = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(e[i] - a[i]));
        assertTrue(worst <= 1e-5 * scale, what + ": max abs error " + worst + " > 1e-5 × " + scale);
    }
}
