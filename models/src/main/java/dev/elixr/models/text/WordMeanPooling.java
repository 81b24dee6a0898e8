package dev.elixr.models.text;

import dev.elixr.autograd.Var;
import dev.elixr.tensor.Tensor;

/**
 * The mean of a text's word states: the real tokens without padding and without the [CLS] and [SEP] that frame every
 * text (Reimers &amp; Gurevych 2019's mean pooling, minus the frame, so that a short query is not dominated by the two
 * tokens every text shares). A text with no words between its frame is pooled over all its real tokens. ELIXR-C's text
 * tower pools this way ({@link dev.elixr.models.elixr.TextTower}), and so may ELIXR-B's ITC text feature.
 */
public final class WordMeanPooling {
    private WordMeanPooling() {}

    /**
     * hidden [B,L,D]; mask [B·L] row-major, 1 for a real token and 0 for padding, the real tokens of a row first
     * ([CLS], the words, [SEP], then padding) → [B,D].
     */
    public static Var pool(Var hidden, int[] mask, int batch, int length) {
        if (hidden.dim() != 3 || hidden.size(0) != batch || hidden.size(1) != length || mask.length != batch * length)
            throw new IllegalArgumentException("word mean pooling: hidden states " + hidden + " and a mask of " + mask.length
                    + " entries for " + batch + " texts of " + length + " tokens");
        float[] m = new float[batch * length];
        float[] inv = new float[batch];
        for (int b = 0; b < batch; b++) {
            int real = 0;
            for (int t = 0; t < length; t++) real += mask[b * length + t];
            int n = 0;
            for (int t = 1; t < real - 1; t++) { m[b * length + t] = 1f; n++; }
            if (n == 0) for (int t = 0; t < real; t++) { m[b * length + t] = 1f; n++; }  // no words: pool the frame
            inv[b] = 1f / Math.max(n, 1);
        }
        var device = hidden.value().device(); // the pooling weights go where the hidden states are
        Var weights = Var.of(Tensor.wrap(m, batch, length, 1).to(device));
        return hidden.mul(weights).sum(false, 1).mul(Var.of(Tensor.wrap(inv, batch, 1).to(device)));
    }
}
