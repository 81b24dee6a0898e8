package dev.elixr.tasks.eval;

import dev.elixr.autograd.GradMode;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.BatchNorm2d;
import dev.elixr.autograd.nn.Dropout;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.tensor.Tensor;

/**
 * The MLP probe of ELIXR's data-efficient experiments: hidden layers [512, 256], each Linear → batch norm → ReLU →
 * dropout, and one sigmoid output per finding (a multi-label head; unlabelled entries are masked out of the loss).
 * Trained with AdamW on standardised features for a fixed number of steps, seeded.
 */
public final class MlpProbe implements Probe {
    private final int[] hidden;
    private final float dropout;
    private final int steps;
    private final int batch;
    private final double lr;
    private final double weightDecay;

    public MlpProbe(int[] hidden, float dropout, int steps, int batch, double lr, double weightDecay) {
        EvalOptions.range("--mlp-steps", steps, 1, 1_000_000, "optimiser steps of the MLP probe");
        this.hidden = hidden.clone();
        this.dropout = dropout;
        this.steps = steps;
        this.batch = batch;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** [512, 256], dropout 0.2, 300 steps of 64, lr 1e-3, weight decay 1e-2. */
    public MlpProbe() {
        this(new int[] {512, 256}, 0.2f, 300, 64, 1e-3, 1e-2);
    }

    @Override public String name() {
        return "mlp";
    }

    /** Linear → BN → ReLU → dropout blocks, then a linear head. */
    static final class Net extends Module {
        final Linear[] fc;
        final BatchNorm2d[] bn;
        final Dropout[] drop;
        final Linear head;

        Net(int in, int[] hidden, int out, float p, SplitMix64 rng) {
            fc = new Linear[hidden.length];
            bn = new BatchNorm2d[hidden.length];
            drop = new Dropout[hidden.length];
            for (int i = 0; i < hidden.length; i++) {
                fc[i] = registerModule("fc" + i, new Linear(in, hidden[i], true, rng));
                bn[i] = registerModule("bn" + i, new BatchNorm2d(hidden[i]));
                drop[i] = registerModule("drop" + i, new Dropout(p, rng));
                in = hidden[i];
            }
            head = registerModule("head", new Linear(in, out, true, rng));
        }

        Var forward(Var x) {
            for (int i = 0; i < fc.length; i++) {
                Var h = fc[i].forward(x);
                int n = h.size(0), c = h.size(1);
                h = bn[i].forward(h.reshape(n, c, 1, 1)).reshape(n, c);
                x = drop[i].forward(h.relu());
            }
            return head.forward(x);
        }
    }

    @Override
    public double[][] fitPredict(float[][] x, double[][] y, float[][] test, long seed) {
        Standardizer st = Standardizer.fit(x);
        float[] xs = flat(st.apply(x)), ts = flat(st.apply(test));
        int d = x[0].length, f = y[0].length, n = x.length;
        SplitMix64 rng = new SplitMix64(seed);
        Net net = new Net(d, hidden, f, dropout, rng);
        var opt = new AdamW(ParamGroup.decayAndNoDecay(net, weightDecay), lr, 0.9, 0.999, 1e-8);
        int b = Math.max(2, Math.min(batch, n));
        net.train();
        for (int s = 0; s < steps && n >= 2; s++) {
            int[] rows = new int[b];
            for (int i = 0; i < b; i++) rows[i] = rng.nextInt(n);
            Var xb = Var.of(gather(xs, rows, d));
            opt.zeroGrad();
            Var loss = MaskedBce.loss(net.forward(xb), y, rows);
            loss.backward();
            opt.step();
        }
        net.eval();
        double[][] out = new double[test.length][f];
        try (var g = GradMode.noGrad()) {
            float[] p = net.forward(Var.of(Tensor.wrap(ts, test.length, d))).sigmoid().value().contiguous().toFloatArray();
            for (int i = 0; i < test.length; i++) for (int j = 0; j < f; j++) out[i][j] = p[i * f + j];
        }
        return out;
    }

    static float[] flat(double[][] m) {
        int d = m[0].length;
        float[] out = new float[m.length * d];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < d; j++) out[i * d + j] = (float) m[i][j];
        return out;
    }

    static Tensor gather(float[] flat, int[] rows, int d) {
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) System.arraycopy(flat, rows[i] * d, out, i * d, d);
        return Tensor.wrap(out, rows.length, d);
    }
}
