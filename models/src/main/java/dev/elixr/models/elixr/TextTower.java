package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * The text tower of ELIXR-C: a BERT encoder whose token states are mean-pooled over the words, that is the real
 * tokens without padding and without the [CLS] and [SEP] that frame every text (Reimers &amp; Gurevych 2019). Pooling
 * trains faster than the [CLS] token from scratch, and leaving the frame out keeps a short query ("cardiomegaly")
 * from being dominated by the two tokens every text shares.
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

    /** Token ids and attention masks ([CLS] first, [SEP] last in each text) → mean of the word states [B,D]. */
    public Var features(TokenBatch tokens) {
        int batch = tokens.batch(), length = tokens.length();
        Var h = bert.encode(tokens.ids(), tokens.mask(), null, batch, length).lastHiddenState();
        float[] m = new float[batch * length];
        float[] inv = new float[batch];
        for (int b = 0; b < batch; b++) {
            int real = tokens.realTokens(b);
            int n = 0;
            for (int t = 1; t < real - 1; t++) { m[b * length + t] = 1f; n++; }
            if (n == 0) for (int t = 0; t < real; t++) { m[b * length + t] = 1f; n++; }  // no words: pool the frame
            inv[b] = 1f / Math.max(n, 1);
        }
        var device = h.value().device(); // the pooling weights go where the hidden states are
        Var weights = Var.of(Tensor.wrap(m, batch, length, 1).to(device));
        return h.mul(weights).sum(false, 1).mul(Var.of(Tensor.wrap(inv, batch, 1).to(device)));
    }
}
