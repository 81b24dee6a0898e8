package dev.elixr.models.elixr;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.LayerNorm;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.qformer.ItcLoss;
import dev.elixr.models.qformer.QFormer;
import dev.elixr.models.qformer.QFormerConfig;
import dev.elixr.models.qformer.QFormerMasks;
import dev.elixr.models.qformer.QueryCentring;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.models.qformer.StageOneLoss;
import dev.elixr.models.qformer.TextBatch;
import dev.elixr.models.qformer.TextPooling;

import java.util.random.RandomGenerator;

/**
 * ELIXR-B's trainable part (Xu et al. 2023, §2.2): a LayerNorm over the frozen ELIXR-C image tower's spatial tokens
 * (BLIP-2's {@code ln_vision}, Li et al. 2023) and the {@link QFormer} that reads them. The tower itself stays outside:
 * its tokens are computed once (they never change) and fed here as {@code [B,T,C]}. Parameters: {@code ln_vision.*}
 * and {@code qformer.*} (the Q-Former's own Hugging Face names under that prefix).
 */
public final class ElixrB extends Module {
    /** PyTorch's default LayerNorm eps, as BLIP-2's {@code ln_vision} uses it. */
    public static final float LN_VISION_EPS = 1e-5f;

    private final LayerNorm lnVision;
    private final QFormer qformer;
    private final Parameter imagePositions;
    private final ImageSummaryToken imageSummary;
    private final TextPooling textPooling;
    private final QueryCentring queryCentring;
    private final int itcQueries;

    private ElixrB(QFormer qformer, int imageTokens) { this(qformer, imageTokens, 0, TextPooling.CLS, false, 0, null); }

    private ElixrB(QFormer qformer, int imageTokens, int summaryTokens, TextPooling textPooling, boolean centreQueries, int itcQueries,
                   RandomGenerator rng) {
        int q = qformer.config().queries().count();
        if (itcQueries < 0 || itcQueries > q)
            throw new IllegalArgumentException("ELIXR-B: ITC on " + itcQueries + " queries of the Q-Former's " + q + " (0: all)");
        this.itcQueries = itcQueries == 0 ? q : itcQueries;
        if (textPooling == null) throw new IllegalArgumentException("ELIXR-B: no text pooling given");
        this.textPooling = textPooling;
        int width = qformer.config().queries().imageWidth();
        this.lnVision = registerModule("ln_vision", new LayerNorm(width, LN_VISION_EPS));
        this.qformer = registerModule("qformer", qformer);
        if (imageTokens < 0) throw new IllegalArgumentException("ELIXR-B: " + imageTokens + " image positions");
        this.imagePositions = imageTokens == 0 ? null
                : registerParameter("image_position_embeddings", ImagePositionEmbedding.sinCos(imageTokens, width));
        if (summaryTokens < 0) throw new IllegalArgumentException("ELIXR-B: an image summary of " + summaryTokens + " tokens");
        this.imageSummary = summaryTokens == 0 ? null
                : registerModule("image_summary", new ImageSummaryToken(summaryTokens, width, rng == null ? new SplitMix64(0) : rng));
        this.queryCentring = centreQueries
                ? registerModule("itc_query_centring", new QueryCentring(this.itcQueries, qformer.config().projectionWidth()))
                : null;
    }

    private ElixrB(QFormer qformer) { this(qformer, 0); }

    /** A new model initialised as BLIP-2 (LayerNorm to the identity). */
    public static ElixrB create(QFormerConfig config, RandomGenerator rng) { return new ElixrB(QFormer.create(config, rng)); }

    /** A new model with the Q-Former initialised as given (LayerNorm to the identity). */
    public static ElixrB create(QFormerConfig config, QFormer.Initialisation init, RandomGenerator rng) {
        return new ElixrB(QFormer.create(config, init, rng));
    }

    /**
     * As {@link #create(QFormerConfig, QFormer.Initialisation, RandomGenerator)}, with a learned position embedding for
     * {@code imageTokens} tower tokens ({@link ImagePositionEmbedding}; 0: none, the tokens as BLIP-2 reads them).
     */
    public static ElixrB create(QFormerConfig config, QFormer.Initialisation init, RandomGenerator rng, int imageTokens) {
        return new ElixrB(QFormer.create(config, init, rng), imageTokens);
    }

    /**
     * As {@link #create(QFormerConfig, QFormer.Initialisation, RandomGenerator, int)}, with (summaryTokens &gt; 0) an
     * {@link ImageSummaryToken} over that many tower tokens appended to what the queries cross-attend to.
     */
    public static ElixrB create(QFormerConfig config, QFormer.Initialisation init, RandomGenerator rng, int imageTokens, int summaryTokens) {
        return create(config, init, rng, imageTokens, summaryTokens, TextPooling.CLS);
    }

    /**
     * As {@link #create(QFormerConfig, QFormer.Initialisation, RandomGenerator, int, int)}, with ITC's text feature pooled
     * as {@code textPooling} says (BLIP-2's is {@link TextPooling#CLS}).
     */
    public static ElixrB create(QFormerConfig config, QFormer.Initialisation init, RandomGenerator rng, int imageTokens, int summaryTokens,
                                TextPooling textPooling) {
        return create(config, init, rng, imageTokens, summaryTokens, textPooling, false, 0);
    }

    /**
     * As {@link #create(QFormerConfig, QFormer.Initialisation, RandomGenerator, int, int, TextPooling)}, with (centreQueries)
     * ITC's query embeddings centred per query over the images ({@link QueryCentring}) and ITC (and the image embeddings
     * scored against texts) reading only the first {@code itcQueries} queries (0: all, BLIP-2's); the others are trained by
     * ITM and ITG and read by stage 2. Both are deviations from BLIP-2.
     */
    public static ElixrB create(QFormerConfig config, QFormer.Initialisation init, RandomGenerator rng, int imageTokens, int summaryTokens,
                                TextPooling textPooling, boolean centreQueries, int itcQueries) {
        return new ElixrB(QFormer.create(config, init, rng), imageTokens, summaryTokens, textPooling, centreQueries, itcQueries, rng);
    }

    /** A model whose weights are about to be loaded. */
    public static ElixrB forLoading(QFormerConfig config) { return new ElixrB(QFormer.forLoading(config)); }

    /** A model with image position embeddings for {@code imageTokens} tokens (0: none) whose weights are about to be loaded. */
    public static ElixrB forLoading(QFormerConfig config, int imageTokens) { return new ElixrB(QFormer.forLoading(config), imageTokens); }

    /** A model with image position embeddings (0: none) and an image summary token over {@code summaryTokens} tokens (0: none) whose weights are about to be loaded. */
    public static ElixrB forLoading(QFormerConfig config, int imageTokens, int summaryTokens) {
        return forLoading(config, imageTokens, summaryTokens, TextPooling.CLS);
    }

    /** As {@link #forLoading(QFormerConfig, int, int)}, ITC's text feature pooled as the run was trained ({@code textPooling}). */
    public static ElixrB forLoading(QFormerConfig config, int imageTokens, int summaryTokens, TextPooling textPooling) {
        return forLoading(config, imageTokens, summaryTokens, textPooling, false, 0);
    }

    /**
     * As {@link #forLoading(QFormerConfig, int, int, TextPooling)}, with (centreQueries) the running mean of {@link QueryCentring}
     * to load and ITC reading the first {@code itcQueries} queries (0: all).
     */
    public static ElixrB forLoading(QFormerConfig config, int imageTokens, int summaryTokens, TextPooling textPooling, boolean centreQueries,
                                    int itcQueries) {
        return new ElixrB(QFormer.forLoading(config), imageTokens, summaryTokens, textPooling, centreQueries, itcQueries, null);
    }

    /** How many queries ITC and the image embeddings read (the first ones; all of them as BLIP-2). */
    public int itcQueries() { return itcQueries; }

    /** The centring of ITC's query embeddings, or null when this model has none (BLIP-2's). */
    public QueryCentring queryCentring() { return queryCentring; }

    /** How ITC's text feature (training, and {@link #embedTexts}) pools the Q-Former's text pass. */
    public TextPooling textPooling() { return textPooling; }

    /** The summary token over the whole tower map, or null when this model has none. */
    public ImageSummaryToken imageSummary() { return imageSummary; }

    /** The tower tokens this model's position embedding is for (0: it has none). */
    public int imagePositions() { return imagePositions == null ? 0 : imagePositions.shape()[1]; }

    public QFormerConfig config() { return qformer.config(); }

    public QFormer qformer() { return qformer; }

    /** BLIP-2's {@code ln_vision} over the tower's tokens. */
    public LayerNorm lnVision() { return lnVision; }

    /**
     * The frozen tower's tokens [B,T,C], layer-normed (and given their positions, when this model has them; then the
     * summary token, layer-normed, when it has one: [B,T+1,C]): what the queries cross-attend to.
     */
    public Var imageTokens(Var towerTokens) {
        Var h = spatial(towerTokens);
        if (imageSummary == null) return h;
        return Functional.concat(1, h, lnVision.forward(imageSummary.forward(towerTokens)));
    }

    private Var spatial(Var towerTokens) {
        Var h = lnVision.forward(towerTokens);
        if (imagePositions == null) return h;
        if (towerTokens.dim() != 3 || towerTokens.size(1) != imagePositions.shape()[1])
            throw new IllegalArgumentException("ELIXR-B: image tokens " + dev.elixr.tensor.Shape.str(towerTokens.shape()) + ", but its position embedding is for "
                    + imagePositions.shape()[1] + " tokens");
        return h.add(imagePositions);
    }

    /** The stage-1 objective ITC + ITM + ITG ({@link StageOneLoss}); same-group texts are left out of ITC's negatives. */
    public StageOneLoss.Terms loss(Var towerTokens, TextBatch text, long[] groups, RandomGenerator rng) {
        return loss(towerTokens, text, groups, ItcLoss.QueryPooling.MAX, rng);
    }

    /** As {@link #loss(Var, TextBatch, long[], RandomGenerator)}, ITC's similarity over the queries pooled as {@code queryPooling} says. */
    public StageOneLoss.Terms loss(Var towerTokens, TextBatch text, long[] groups, ItcLoss.QueryPooling queryPooling, RandomGenerator rng) {
        return StageOneLoss.compute(qformer, imageTokens(towerTokens), text, groups, ItcLoss.Duplicates.MASK, textPooling, this::itcFeatures,
                queryPooling, rng);
    }

    /** ITC's image side of query outputs [B,Q,H]: the first {@link #itcQueries} projected and normalised, centred when this model centres them. */
    private Var itcFeatures(Var queryHidden) {
        Var read = itcQueries == queryHidden.size(1) ? queryHidden : queryHidden.narrow(1, 0, itcQueries);
        Var z = qformer.imageFeatures(read);
        return queryCentring == null ? z : queryCentring.forward(z);
    }

    /**
     * L2-normalised query embeddings [B,K,P] of the K = {@link #itcQueries} queries ITC reads (all, as BLIP-2) (ITC's image
     * side; an image is scored by its best query), centred on the running mean first when this model centres them
     * ({@link QueryCentring}; in training mode on the batch's mean).
     */
    public Var embedImages(Var towerTokens) {
        return itcFeatures(qformer.queryPass(imageTokens(towerTokens)).hidden());
    }

    /** Query outputs [B,Q,H] of the query-only pass (the probes average them over the queries). */
    public Var queryOutputs(Var towerTokens) { return qformer.queryPass(imageTokens(towerTokens)).hidden(); }

    /** L2-normalised text embeddings [B,P] (the text-only pass pooled as {@link #textPooling}, projected). */
    public Var embedTexts(TextBatch text) { return qformer.textFeature(text, textPooling); }

    /**
     * Image-text matching scores [B] of paired rows: the ITM head's "match" logit averaged over the query outputs of the
     * joint pass (BLIP-2's retrieval re-ranking, as LAVIS's {@code compute_itm} scores a candidate).
     */
    public Var itmMatchLogits(Var towerTokens, TextBatch text) {
        Tensor mask = QFormerMasks.build(QFormerMasks.Objective.ITM, config().queries().count(), text);
        return qformer.itmLogits(qformer.jointQueryPass(imageTokens(towerTokens), text, mask)).select(1, 1);
    }

    /** The contrastive temperature τ. */
    public double temperature() { return qformer.temperature().value().toCpu().item(); }
}
