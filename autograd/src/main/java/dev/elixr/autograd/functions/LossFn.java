package dev.elixr.autograd.functions;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import dev.elixr.tensor.ops.Softmax;

/** Losses: fused cross-entropy with label smoothing and ignore index, binary cross-entropy with logits, MSE. */
public final class LossFn {
    private LossFn() {}

    /**
     * Mean over the rows whose target is not ignoreIndex of −Σ_c q_c·log softmax(x)_c with q = (1−ε)·onehot + ε/C
     * (Szegedy et al. 2016, §7), as torch.nn.functional.cross_entropy; the gradient is (softmax(x) − q)/count.
     * Computed from the log-softmax in one pass (stable for any logits); no [N,C] one-hot is built.
     * When every target is ignored the loss is 0 with zero gradient (PyTorch gives NaN).
     */
    public static Var crossEntropy(Var logits, int[] targets, float labelSmoothing, int ignoreIndex) {
        if (logits.dim() != 2) throw new IllegalArgumentException("crossEntropy: logits " + logits + " must be [N,C]");
        int n = logits.size(0), c = logits.size(1);
        if (targets.length != n) throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for " + n + " rows of logits " + logits);
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new IllegalArgumentException("crossEntropy: label smoothing " + labelSmoothing + " outside [0, 1]");
        int count = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= c) throw new IllegalArgumentException("crossEntropy: target " + t + " of row " + i + " is outside [0, " + c + ")");
            count++;
        }
        int[] ts = targets.clone();
        Tensor lpT = Softmax.logSoftmax(logits.value(), 1);
        float[] lp = Host.read(lpT);
        double eps = labelSmoothing, on = 1 - eps, off = eps / c;
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (ts[i] == ignoreIndex) continue;
            int o = i * c;
            double rowSum = 0;
            if (eps != 0) for (int j = 0; j < c; j++) rowSum += lp[o + j];
            total -= on * lp[o + ts[i]] + off * rowSum;
        }
        int valid = count;
        float loss = valid == 0 ? 0f : (float) (total / valid);
        Tensor value = Host.put(new float[] {loss}, new int[0], logits.value().device());
        return Var.result("crossEntropy", value, g -> {
            float scale = valid == 0 ? 0f : g.toCpu().item() / valid;
            float[] dx = new float[n * c];
            Parallel.forRange(n, Math.max(1, 8192 / Math.max(1, c)), (s, e) -> {
                for (int i = s; i < e; i++) {
                    if (ts[i] == ignoreIndex) continue;
                    int o = i * c;
                    for (int j = 0; j < c; j++) dx[o + j] = (float) ((Math.exp(lp[o + j]) - off) * scale);
                    dx[o + ts[i]] -= (float) (on * scale);
                }
            });
            return new Tensor[] {Host.put(dx, new int[] {n, c}, lpT.device())};
        }, logits);
    }

    /** Mean of max(x,0) − x·t + log(1+exp(−|x|)); gradient (σ(x) − t)/n. */
    public static Var binaryCrossEntropyWithLogits(Var logits, Tensor targets) {
        Tensor x = logits.value();
        if (!targets.sameShape(x)) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: targets " + Shape.str(targets.shape()) + " differ from logits " + logits);
        }
        float[] xs = Host.read(x), t = Host.read(targets);
        double total = 0;
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            total += Math.max(v, 0) - v * t[i] + Math.log1p(Math.exp(-Math.abs(v)));
        }
        int n = Math.max(1, xs.length);
        Tensor value = Host.put(new float[] {(float) (total / n)}, new int[0], x.device());
        return Var.result("binaryCrossEntropyWithLogits", value, g -> {
            float scale = g.toCpu().item() / n;
            return new Tensor[] {Elementwise.mul(Elementwise.sub(Elementwise.sigmoid(x), targets), scale)};
        }, logits);
    }

    /** Mean of (input − target)². */
    public static Var mseLoss(Var input, Var target) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("mseLoss: input " + input + " and target " + target + " differ in shape");
        }
        return input.sub(target).square().meanAll();
    }
}
