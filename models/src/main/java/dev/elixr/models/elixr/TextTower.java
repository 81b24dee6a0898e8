package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * The text tower of ELIXR-C: a BERT encoder whose token states are mean-pooled over the real (unpadded) tokens
 * (Reimers &amp; Gurevych 2019), which trains faster than the [CLS] token from scratch.
 */
public final class TextTower extends Module {
    private final BertEncoder bert;

    public TextTower(BertConfig config, RandomGenerator rng) {
        this.bert = registerModule("bert", new BertEncoder(config.withPooler(false), rng));
    }

    public BertEncoder bert() {
        return bert;
    }

    public int featureDim() {
        return bert.config().hiddenSize();
    }

    /** Token ids and attention mask [B·T] row-major → mean of the masked token states [B,D]. */
    public Var features(int[] ids, int[] mask, int batch, int length) {
        Var h = bert.encode(ids, mask, null, batch, length).lastHiddenState();
        float[] m = new float[batch * length];
        float[] inv = new float[batch];
        for (int b = 0; b < batch; b++) {
            int n = 0;
            for (int t = 0; t < length; t++) { m[b * length + t] = mask[b * length + t]; n += mask[b * length + t]; }
            inv[b] = 1f / Math.max(n, 1);
        }
        Var weights = Var.of(Tensor.wrap(m, batch, length, 1));
        return h.mul(weights).sum(false, 1).mul(Var.of(Tensor.wrap(inv, batch, 1)));
    }
}
