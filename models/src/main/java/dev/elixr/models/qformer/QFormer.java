package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.transformer.AttentionMasks;
import dev.elixr.models.transformer.KeyValues;
import dev.elixr.models.text.LengthGroups;
import dev.elixr.models.text.WordMeanPooling;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The Querying Transformer of BLIP-2 (Li et al. 2023, §3.1), the bridge of ELIXR-B (Xu et al. 2023, §2.2): learned query
 * tokens that read the frozen image encoder's tokens through cross-attention, sharing self-attention layers with a
 * text transformer. Parameter names are those of Hugging Face's {@code Blip2ForImageTextRetrieval} ({@code query_tokens},
 * {@code embeddings.*}, {@code qformer.layernorm}, {@code qformer.encoder.layer.N.*}, {@code vision_projection},
 * {@code text_projection}, {@code itm_head}), plus LAVIS's {@code cls.predictions.*} language-model head (tied to the
 * word embeddings) and {@code temp}, the contrastive temperature. Stage 2's projection into the language model is
 * {@code language_projection}, kept outside this module.
 * <p>
 * {@link #queryOnly} builds just what Hugging Face's {@code Blip2QFormerModel} holds (query tokens and the layers
 * without text feed-forward): enough for the query pass.
 */
public final class QFormer extends Module {
    /** Standard deviation of BERT's and BLIP-2's initialisation (the query tokens included). */
    public static final float INIT_STD = 0.02f;
    /** BLIP-2's initial contrastive temperature, and the range it is clamped to. */
    public static final float INIT_TEMPERATURE = 0.07f, MIN_TEMPERATURE = 0.001f, MAX_TEMPERATURE = 0.5f;

    private final QFormerConfig config;
    private final Parameter queryTokens;
    private final QFormerEmbeddings embeddings;
    private final QFormerModel qformer;
    private final Linear visionProjection, textProjection, itmHead;
    private final LmHead cls;
    private final Parameter temp;

    private QFormer(QFormerConfig c, boolean withText, RandomGenerator rng) {
        this.config = c;
        int h = c.width();
        this.queryTokens = registerParameter("query_tokens", Tensor.zeros(1, c.queries().count(), h));
        this.embeddings = withText ? registerModule("embeddings", new QFormerEmbeddings(c, rng)) : null;
        this.qformer = registerModule("qformer", new QFormerModel(c, withText, rng));
        this.visionProjection = withText ? registerModule("vision_projection", new Linear(h, c.projectionWidth(), true, rng)) : null;
        this.textProjection = withText ? registerModule("text_projection", new Linear(h, c.projectionWidth(), true, rng)) : null;
        this.itmHead = withText ? registerModule("itm_head", new Linear(h, 2, true, rng)) : null;
        this.cls = withText ? registerModule("cls", new LmHead(c, rng)) : null;
        this.temp = withText ? registerParameter("temp", Tensor.scalar(INIT_TEMPERATURE)) : null;
    }

    /**
     * How a new Q-Former's weights are drawn. Biases are 0, norms 1, τ 0.07, and the query tokens and text embeddings
     * N(0, 0.02) in both.
     */
    public enum Initialisation {
        /** BERT's (and BLIP-2's cross-attention's): every weight N(0, 0.02). */
        BERT,
        /**
         * Each linear layer's weight N(0, 1/fan_in), so that a layer keeps the scale of its input. For training from
         * scratch at a small width: BLIP-2 starts its Q-Former from pretrained BERT-base, and at width 64 BERT's 0.02
         * is a gain of 0.16 per layer (0.55 at 768), so that attention starts uniform and image-text matching, which
         * needs image and text to interact, sits at its prior for hundreds of steps ({@code ItmLearningTest}).
         */
        FAN_IN
    }

    /** The full stage-1 model, initialised as BLIP-2: weights, embeddings and query tokens N(0, 0.02), biases 0, norms 1, τ 0.07. */
    public static QFormer create(QFormerConfig c, RandomGenerator rng) { return create(c, Initialisation.BERT, rng); }

    /** The full stage-1 model with the given initialisation. */
    public static QFormer create(QFormerConfig c, Initialisation init, RandomGenerator rng) {
        QFormer q = new QFormer(c, true, rng);
        q.initialise(init, rng);
        return q;
    }

    /** The full model with weights about to be loaded (no initialisation pass). */
    public static QFormer forLoading(QFormerConfig c) { return new QFormer(c, true, new java.util.SplittableRandom(0)); }

    /** Only the query path (Hugging Face's {@code Blip2QFormerModel} and {@code query_tokens}), for loading. */
    public static QFormer queryOnly(QFormerConfig c) { return new QFormer(c, false, new java.util.SplittableRandom(0)); }

    public QFormerConfig config() { return config; }

    public boolean hasText() { return embeddings != null; }

    public QFormerModel qformer() { return qformer; }

    public Parameter queryTokens() { return queryTokens; }

    // ------------------------------------------------------------------ passes

    /** The query-only pass over image tokens [B,T,Dc]: queries see queries and, through cross-attention, the image. */
    public QueryOutput queryPass(Var image) {
        checkImage(image);
        List<KeyValues> cache = new ArrayList<>();
        Var h = qformer.forward(queries(image.size(0)), config.queries().count(), null, null, image, cache);
        return new QueryOutput(h, cache);
    }

    /** The text-only pass (ITC's text encoder): text tokens see text tokens, padding masked. [B,L,D]. */
    public Var textPass(TextBatch text) {
        Tensor mask = AttentionMasks.padding(text.attentionMask(), text.batch(), text.length()).to(device());
        return qformer.forward(text(text), 0, null, mask, null, null);
    }

    /**
     * The text-only pass computing only the first ([CLS]) token's output in the last layer, [B,1,D]: all that ITC's text
     * feature ({@link #textFeature}) reads, at a fraction of the last layer's cost.
     */
    public Var clsPass(TextBatch text) {
        Tensor mask = AttentionMasks.padding(text.attentionMask(), text.batch(), text.length()).to(device());
        return qformer.forward(text(text), 0, null, mask, null, null, 1);
    }

    /** Queries and text through the layers together under a mask of {@link QFormerMasks} ([B,1,Q+L,Q+L]): [B,Q+L,D]. */
    public Var jointPass(Var image, TextBatch text, Tensor mask) {
        checkImage(image);
        if (image.size(0) != text.batch()) {
            throw new IllegalArgumentException("Q-Former: " + image.size(0) + " images for " + text.batch() + " texts");
        }
        Var embeds = Functional.concat(1, queries(text.batch()), text(text));
        return qformer.forward(embeds, config.queries().count(), null, mask.to(device()), image, null);
    }

    /**
     * As {@link #jointPass}, computing only the query positions' outputs in the last layer, [B,Q,D]: all that the ITM
     * head ({@link #itmLogits}) reads; the text rows of the last layer (most of its work) are skipped.
     */
    public Var jointQueryPass(Var image, TextBatch text, Tensor mask) {
        checkImage(image);
        if (image.size(0) != text.batch()) {
            throw new IllegalArgumentException("Q-Former: " + image.size(0) + " images for " + text.batch() + " texts");
        }
        Var embeds = Functional.concat(1, queries(text.batch()), text(text));
        int q = config.queries().count();
        return qformer.forward(embeds, q, null, mask.to(device()), image, null, q);
    }

    /**
     * Image-grounded text generation's pass (BLIP-2 §3.2, ITG): the text [B,L] attends to the queries' keys and values
     * of the query pass (reused, not recomputed, as LAVIS passes {@code past_key_values}) and causally to earlier text.
     * Returns the text's hidden states [B,L,D].
     */
    public Var decoderPass(QueryOutput queries, TextBatch text) {
        int q = config.queries().count();
        Tensor mask = QFormerMasks.textRows(QFormerMasks.build(QFormerMasks.Objective.ITG, q, text), q).to(device());
        return qformer.forward(text(text), 0, queries.keysValues(), mask, null, null);
    }

    // ------------------------------------------------------------------ heads

    /** L2-normalised projections of the query outputs [B,Q,D] → [B,Q,P] (BLIP-2's image features for ITC). */
    public Var imageFeatures(Var queryHidden) { return Functional.l2Normalize(textSide(visionProjection).forward(queryHidden), -1); }

    /** L2-normalised projection of the text's first ([CLS]) token [B,L,D] → [B,P]. */
    public Var textFeature(Var textHidden) { return projectText(textHidden.select(1, 0)); }

    /**
     * ITC's text feature of a batch [B,P]: the text-only pass pooled as {@code pooling} says ([CLS]: only that row of the
     * last layer is computed, {@link #clsPass}), projected and L2-normalised. The texts pass in {@link LengthGroups}, each
     * group padded to its own longest (a text's states depend on nothing else in the batch).
     */
    public Var textFeature(TextBatch text, TextPooling pooling) {
        return textFeature(text, pooling, LengthGroups.GROUP_COST);
    }

    /** As {@link #textFeature(TextBatch, TextPooling)}, the texts grouped with this {@link LengthGroups} cost. */
    public Var textFeature(TextBatch text, TextPooling pooling, int groupCost) {
        LengthGroups groups = text.lengthGroups(groupCost);
        if (groups.isWholeBatch(text.length())) return projectText(pooled(text, pooling));
        Var[] parts = new Var[groups.count()];
        for (int g = 0; g < parts.length; g++) parts[g] = pooled(text.rows(groups.rows(g), groups.length(g)), pooling);
        return projectText(groups.inBatchOrder(parts));
    }

    /** The text-only pass pooled [B,D]. */
    private Var pooled(TextBatch text, TextPooling pooling) {
        return switch (pooling) {
            case CLS -> clsPass(text).select(1, 0);
            case WORD_MEAN -> WordMeanPooling.pool(textPass(text), text.attentionMask(), text.batch(), text.length());
        };
    }

    private Var projectText(Var pooled) { return Functional.l2Normalize(textSide(textProjection).forward(pooled), -1); }

    /** Image-text matching logits [B,2]: the ITM head on each query output of a joint pass [B,Q+L,D] (or [B,Q,D]), averaged over queries. */
    public Var itmLogits(Var jointHidden) {
        return textSide(itmHead).forward(jointHidden.narrow(1, 0, config.queries().count())).mean(false, 1);
    }

    /** Next-token logits [B,L,V] of text hidden states [B,L,D] (the tied language-model head). */
    public Var lmLogits(Var textHidden) { return textSide(cls).forward(textHidden, embeddings.wordEmbeddings().weight()); }

    /**
     * The contrastive temperature τ (the parameter itself). As BLIP-2 does at every forward, a value outside
     * [0.001, 0.5] is first clamped in place, so that τ can leave the bound again (a clamp inside the graph would stop
     * its gradient there).
     */
    public Var temperature() {
        float t = textSide(temp).value().toCpu().item();
        float clamped = Math.clamp(t, MIN_TEMPERATURE, MAX_TEMPERATURE);
        if (clamped != t) temp.assign(Tensor.scalar(clamped).to(device()));
        return temp;
    }

    // ------------------------------------------------------------------ helpers

    private Var queries(int batch) {
        int q = config.queries().count(), h = config.width();
        return queryTokens.expand(batch, q, h);
    }

    private Var text(TextBatch t) { return textSide(embeddings).forward(t); }

    private <T> T textSide(T part) {
        if (part == null) throw new IllegalStateException("this Q-Former holds the query path only (no text embeddings or heads)");
        return part;
    }

    private void checkImage(Var image) {
        int w = config.queries().imageWidth();
        if (image.dim() != 3 || image.size(2) != w) {
            throw new IllegalArgumentException("Q-Former: image tokens " + Shape.str(image.shape()) + ", expected [B,T," + w + "]");
        }
    }

    private dev.elixr.tensor.Device device() { return queryTokens.value().device(); }

    private void initialise(Initialisation how, RandomGenerator rng) {
        for (var e : namedParameters().entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            int[] shape = p.shape();
            Tensor init;
            if (name.equals("temp")) init = Tensor.scalar(INIT_TEMPERATURE);
            else if (isNorm(name)) init = name.endsWith(".weight") ? Tensor.ones(shape) : Tensor.zeros(shape);
            else if (name.endsWith("bias")) init = Tensor.zeros(shape);
            else if (how == Initialisation.FAN_IN && isLinearWeight(name, shape)) init = Tensor.normal(rng, 0f, (float) (1 / Math.sqrt(shape[1])), shape);
            else init = Tensor.normal(rng, 0f, INIT_STD, shape);
            p.assign(init);
        }
    }

    /** A linear layer's weight [out, in] (the text embeddings, also 2-D, are tables, not layers). */
    private static boolean isLinearWeight(String name, int[] shape) {
        return shape.length == 2 && name.endsWith(".weight") && !name.startsWith("embeddings.");
    }

    private static boolean isNorm(String name) {
        return name.contains("LayerNorm.") || name.contains("layernorm.");
    }
}
