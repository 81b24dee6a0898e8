package dev.elixr.bench.autograd;

import dev.elixr.autograd.Functional;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Mlp;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.MultiHeadAttention;
import dev.elixr.autograd.nn.Sequential;
import dev.elixr.tensor.Tensor;

import java.util.SplittableRandom;

/** The training steps the autograd benchmarks time: one forward + backward each, gradients cleared first. */
public final class Workloads {
    private Workloads() {}

    /** A pre-norm ViT block (Dosovitskiy et al. 2021, eq. 2–3): x + MHA(LN(x)), then + MLP(LN(x)) with GELU and 4× width. */
    public static final class PreNormBlock extends Module {
        final LayerNorm ln1, ln2;
        final MultiHeadAttention attn;
        final Mlp mlp;

        public PreNormBlock(int dim, int heads, SplitMix64 rng) {
            ln1 = registerModule("ln1", new LayerNorm(dim, 1e-6f));
            attn = registerModule("attn", new MultiHeadAttention(dim, heads, true, rng));
            ln2 = registerModule("ln2", new LayerNorm(dim, 1e-6f));
            mlp = registerModule("mlp", new Mlp(dim, 4 * dim, dim, Activation.GELU, rng));
        }

        public Var forward(Var x) {
            Var h = x.add(attn.forward(ln1.forward(x), null, false));
            return h.add(mlp.forward(ln2.forward(h)));
        }
    }

    /** One ViT-S block step: hidden 384, 6 heads, 197 tokens, batch 8; loss = Σ w⊙y. */
    public static final class BlockStep implements Runnable {
        final PreNormBlock block = new PreNormBlock(384, 6, new SplitMix64(1));
        final Var x, w;

        public BlockStep(int batch, int tokens) {
            x = Var.param(Tensor.normal(new SplittableRandom(2), 0f, 1f, batch, tokens, 384));
            w = Var.of(Tensor.normal(new SplittableRandom(3), 0f, 1f, batch, tokens, 384));
        }

        @Override
        public void run() {
            block.zeroGrad();
            x.zeroGrad();
            block.forward(x).mul(w).sumAll().backward();
        }

        public Tensor output() { return block.forward(x).value(); }
    }

    /** An MLP step: 784 → 1024 → GELU → LayerNorm → 1024 → GELU → 10, batch 128, cross-entropy. */
    public static final class MlpStep implements Runnable {
        final Sequential mlp;
        final Var x;
        final int[] targets;

        public MlpStep(int batch) {
            SplitMix64 rng = new SplitMix64(4);
            mlp = new Sequential(new Linear(784, 1024, true, rng), Activation.GELU, new LayerNorm(1024, 1e-5f), new Linear(1024, 1024, true, rng),
                    Activation.GELU, new Linear(1024, 10, true, rng));
            x = Var.of(Tensor.normal(new SplittableRandom(5), 0f, 1f, batch, 784));
            targets = new int[batch];
            SplittableRandom r = new SplittableRandom(6);
            for (int i = 0; i < batch; i++) targets[i] = r.nextInt(10);
        }

        @Override
        public void run() {
            mlp.zeroGrad();
            Functional.crossEntropy(mlp.forward(x), targets).backward();
        }
    }
}
