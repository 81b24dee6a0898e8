package dev.elixr.models.elixr;

import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.text.LengthGroups;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.models.text.WordMeanPooling;

import java.util.random.RandomGenerator;

/**
 * The text tower of ELIXR-C: a BERT encoder whose token states are mean-pooled over the words ({@link WordMeanPooling}),
 * that is the real tokens without padding and without the [CLS] and [SEP] that frame every text (Reimers &amp; Gurevych
 * 2019). Pooling trains faster than the [CLS] token from scratch, and leaving the frame out keeps a short query
 * ("cardiomegaly") from being dominated by the two tokens every text shares.
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

    /**
     * Token ids and attention masks ([CLS] first, [SEP] last in each text) → mean of the word states [B,D]. The texts
     * are encoded in {@link LengthGroups}, each group padded to its own longest (a text's states do not depend on the
     * other texts or on its padding), then put back in the batch's order.
     */
    public Var features(TokenBatch tokens) {
        return features(tokens, LengthGroups.GROUP_COST);
    }

    /** As {@link #features(TokenBatch)} with {@code groupCost} for {@link LengthGroups#of} (a huge one: a single group). */
    public Var features(TokenBatch tokens, int groupCost) {
        LengthGroups groups = LengthGroups.of(tokens, groupCost);
        if (groups.isWholeBatch(tokens.length())) return pooled(tokens);
        Var[] parts = new Var[groups.count()];
        for (int g = 0; g < parts.length; g++) parts[g] = pooled(tokens.rows(groups.rows(g), groups.length(g)));
        return groups.inBatchOrder(parts);
    }

    private Var pooled(TokenBatch tokens) {
        Var h = bert.encode(tokens.ids(), tokens.mask(), null, tokens.batch(), tokens.length()).lastHiddenState();
        return WordMeanPooling.pool(h, tokens.mask(), tokens.batch(), tokens.length());
    }
}
