package dev.elixr.models.softprompt;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.elixr.ElixrB;
import dev.elixr.models.llm.CausalLmLoss;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.models.text.LengthGroups;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Index;

/**
 * ELIXR-B stage 2 (Xu et al. 2023, §2.2; BLIP-2 §3.3): the frozen image tower's tokens → {@code ln_vision} → Q-Former
 * query pass → {@link LanguageProjection} → Q soft-prompt vectors, prepended to the prompt's token embeddings at the
 * frozen LLM's {@code inputs_embeds} entry. The LLM is held, frozen and in eval mode, but is not a registered child:
 * the state dict (checkpoints, saved runs) holds {@code ln_vision.*} and {@code qformer.*} (ELIXR-B stage 1's names)
 * and {@code language_projection.*}. The Q-Former is frozen unless {@code trainQFormer}.
 */
public final class VisionLanguageModel extends Module {
    private final ElixrB bridge;
    private final LanguageProjection projection;
    private final LlamaModel llm;
    private final boolean trainQFormer;

    public VisionLanguageModel(ElixrB bridge, LanguageProjection projection, LlamaModel llm, boolean trainQFormer) {
        int h = bridge.config().width(), d = llm.config().hiddenSize();
        if (projection.inWidth() != h || projection.outWidth() != d)
            throw new IllegalArgumentException("language projection maps " + projection.inWidth() + " → " + projection.outWidth()
                    + ", but the Q-Former is " + h + " wide and the LLM " + d);
        this.bridge = bridge;
        this.projection = projection;
        this.llm = llm;
        this.trainQFormer = trainQFormer;
        registerModule("ln_vision", bridge.lnVision());
        registerModule("qformer", bridge.qformer());
        registerModule("language_projection", projection);
        llm.freeze();
        llm.eval();
        if (!trainQFormer) {
            bridge.lnVision().freeze();
            bridge.qformer().freeze();
        }
    }

    public LlamaModel llm() { return llm; }

    public ElixrB bridge() { return bridge; }

    public LanguageProjection projection() { return projection; }

    public boolean trainsQFormer() { return trainQFormer; }

    /** Soft-prompt tokens per image. */
    public int softTokens() { return bridge.config().queries().count(); }

    /** The soft prompt [B,Q,D] of the tower's tokens [B,T,C]. */
    public Var softPrompt(Var towerTokens) { return projection.forward(bridge.queryOutputs(towerTokens)); }

    /** Logits [B, Q+L, V]: the soft prompt of each row's image, then its prompt, answer and padding ids. */
    public Var logits(Var towerTokens, SoftPromptBatch batch) {
        return llm.head(hidden(towerTokens, batch));
    }

    /** The LLM's last hidden states [B, Q+L, D] of {@link #logits}' rows, before the LM head. */
    private Var hidden(Var towerTokens, SoftPromptBatch batch) {
        if (towerTokens.size(0) != batch.batch())
            throw new IllegalArgumentException("stage 2: " + towerTokens.size(0) + " images for " + batch.batch() + " text rows");
        return hiddenOf(softPrompt(towerTokens), batch);
    }

    /** The LLM's last hidden states of soft prompts [B, Q, D] followed by the batch's text rows. */
    private Var hiddenOf(Var softPrompt, SoftPromptBatch batch) {
        if (batch.softTokens() != softTokens())
            throw new IllegalArgumentException("stage 2: the batch leaves room for " + batch.softTokens() + " soft tokens, the Q-Former makes " + softTokens());
        int max = llm.config().maxPositionEmbeddings();
        if (max > 0 && batch.fullLength() > max)
            throw new IllegalArgumentException("stage 2: rows of " + batch.fullLength() + " positions exceed the LLM's " + max);
        Var text = llm.embedTraining(batch.ids(), batch.batch(), batch.length());
        return llm.hiddenTraining(Functional.concat(1, softPrompt, text));
    }

    /**
     * Next-token cross-entropy on the answer tokens only ({@link CausalLmLoss} over the batch's labels), the LM head
     * applied only where an answer token is predicted ({@link CausalLmLoss#ofCounted}); the rows run through the LLM in
     * {@link LengthGroups} of their extents (soft prompt to last answer token; {@link LengthGroups#GROUP_COST}).
     */
    public Var loss(Var towerTokens, SoftPromptBatch batch) {
        return loss(towerTokens, batch, LengthGroups.GROUP_COST);
    }

    /**
     * {@link #loss(Var, SoftPromptBatch)} with the given fixed cost of a group (in padded positions): a row's padding
     * after its answer is never a target and, right-padded under the causal mask, never seen by a real position, so a
     * group padded only to its own longest row gives each row the same hidden states (up to summation order) with less
     * work. A cost no batch can pay keeps the whole batch.
     */
    public Var loss(Var towerTokens, SoftPromptBatch batch, int groupCost) {
        if (towerTokens.size(0) != batch.batch())
            throw new IllegalArgumentException("stage 2: " + towerTokens.size(0) + " images for " + batch.batch() + " text rows");
        return lossOfPrompts(softPrompt(towerTokens), batch, groupCost);
    }

    /**
     * Whether the query outputs are a fixed function of the image (the Q-Former frozen, without dropout), so that a
     * trainer may compute them once per image ({@link #queryOutputsOf}) and train on {@link #lossOfQueryOutputs}.
     */
    public boolean queryOutputsFixed() { return !trainQFormer && bridge.config().transformer().dropout() == 0f; }

    /** The Q-Former's query outputs [B,Q,H] of tower tokens [B,T,C], without a graph. */
    public Tensor queryOutputsOf(Tensor towerTokens) {
        try (var g = GradMode.noGrad()) {
            return bridge.queryOutputs(Var.of(towerTokens)).value();
        }
    }

    /**
     * {@link #loss(Var, SoftPromptBatch)} from query outputs [B,Q,H] computed beforehand ({@link #queryOutputsOf}; only
     * where {@link #queryOutputsFixed}): the adapter, the LLM and the loss.
     */
    public Var lossOfQueryOutputs(Tensor queryOutputs, SoftPromptBatch batch) {
        if (!queryOutputsFixed()) throw new IllegalStateException("stage 2: the Q-Former trains (or drops out), so its query outputs change: use loss()");
        if (queryOutputs.dim() != 3 || queryOutputs.size(0) != batch.batch() || queryOutputs.size(1) != softTokens())
            throw new IllegalArgumentException("stage 2: query outputs " + Shape.str(queryOutputs.shape()) + " for " + batch.batch() + " rows of "
                    + softTokens() + " queries");
        return lossOfPrompts(projection.forward(Var.of(queryOutputs)), batch, LengthGroups.GROUP_COST);
    }

    /**
     * One shard's part of {@link #lossOfQueryOutputs}: the loss of the batch's rows {@code rows} (query outputs [B,Q,H]
     * of the whole batch) times their share of its answer tokens, so that the shards' parts of {@link
     * SoftPromptBatch#shards} add up to the batch's loss (the data parallelism of {@code ShardedBackward}); null when
     * the rows hold no answer token. Each part builds its own graph from the adapter's parameters.
     */
    public Var shareOfLoss(Tensor queryOutputs, SoftPromptBatch batch, int[] rows) {
        SoftPromptBatch part = batch.rows(rows);
        int answers = part.answerTokens();
        if (answers == 0) return null;
        Var loss = lossOfQueryOutputs(Index.indexSelect(queryOutputs, 0, rows), part);
        return answers == batch.answerTokens() ? loss : loss.mul(answers / (float) batch.answerTokens());
    }

    private Var lossOfPrompts(Var prompts, SoftPromptBatch batch, int groupCost) {
        if (batch.answerTokens() == 0) throw new IllegalArgumentException("stage 2: the batch has no answer token to learn");
        int[] extents = java.util.stream.IntStream.range(0, batch.batch()).map(batch::extent).toArray();
        LengthGroups groups = LengthGroups.ofExtents(extents, batch.fullLength(), groupCost);
        if (groups.isWholeBatch(batch.fullLength())) return CausalLmLoss.ofCounted(hiddenOf(prompts, batch), batch.labels(), llm::head);
        Var[] hidden = new Var[groups.count()];
        int[][] labels = new int[groups.count()][];
        for (int g = 0; g < groups.count(); g++) {
            int[] rows = groups.rows(g);
            SoftPromptBatch part = batch.rows(rows, Math.max(0, groups.length(g) - batch.softTokens()));
            hidden[g] = hiddenOf(Functional.rows(prompts, rows), part);
            labels[g] = part.labels();
        }
        return CausalLmLoss.ofCounted(hidden, labels, llm::head);
    }

    /** The soft prompt [Q,D] of one image's tower tokens [T,C] or [1,T,C], without a graph (generation's prefix). */
    public Tensor softPromptOf(Tensor towerTokens) {
        Tensor t = towerTokens.dim() == 2 ? towerTokens.unsqueeze(0) : towerTokens;
        if (t.dim() != 3 || t.size(0) != 1)
            throw new IllegalArgumentException("soft prompt: tower tokens " + Shape.str(towerTokens.shape()) + ", expected [T,C] or [1,T,C]");
        boolean was = isTraining();
        eval();
        try (var g = GradMode.noGrad()) {
            return softPrompt(Var.of(t)).value().select(0, 0).contiguous();
        } finally {
            train(was);
        }
    }
}
