package dev.elixr.models.qformer;

import dev.elixr.autograd.Var;

import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * BLIP-2's stage-1 objective (Li et al. 2023, §3.2), ELIXR-B's first stage: ITC + ITM + ITG with equal weight over one
 * batch of image tokens and texts. One query pass serves ITC (its projected outputs) and ITG (its keys and values); the
 * ITC similarities choose ITM's hard negatives (drawn from rng, same-group pairs skipped).
 */
public final class StageOneLoss {
    private StageOneLoss() {}

    /** The three terms and their sum, plus the negatives that ITM used. */
    public record Terms(Var itc, Var itm, Var itg, Var total, ItmLoss.Negatives negatives) {}

    /** image [B,T,Dc]; text [B,L]; groups [B] same-group ids (null: all distinct), treated by ITC as duplicates says. */
    public static Terms compute(QFormer model, Var image, TextBatch text, long[] groups, ItcLoss.Duplicates duplicates,
                                RandomGenerator rng) {
        return compute(model, image, text, groups, duplicates, TextPooling.CLS, rng);
    }

    /** As {@link #compute(QFormer, Var, TextBatch, long[], ItcLoss.Duplicates, RandomGenerator)}, ITC's text feature pooled as given. */
    public static Terms compute(QFormer model, Var image, TextBatch text, long[] groups, ItcLoss.Duplicates duplicates,
                                TextPooling pooling, RandomGenerator rng) {
        return compute(model, image, text, groups, duplicates, pooling, model::imageFeatures, ItcLoss.QueryPooling.MAX, rng);
    }

    /**
     * As {@link #compute(QFormer, Var, TextBatch, long[], ItcLoss.Duplicates, TextPooling, RandomGenerator)}, ITC's image features made from the query outputs [B,Q,D] by {@code imageFeatures} ([B,K,P]: projected,
     * normalised, and as the model's ITC reads them) and its similarity over them pooled as {@code queryPooling} says
     * ({@link ItcLoss.QueryPooling}).
     */
    public static Terms compute(QFormer model, Var image, TextBatch text, long[] groups, ItcLoss.Duplicates duplicates,
                                TextPooling pooling, UnaryOperator<Var> imageFeatures, ItcLoss.QueryPooling queryPooling, RandomGenerator rng) {
        QueryOutput queries = model.queryPass(image);
        Var features = imageFeatures.apply(queries.hidden());
        ItcLoss.Result itc = ItcLoss.loss(features, model.textFeature(text, pooling),
                model.temperature(), groups, duplicates, queryPooling);
        ItmLoss.Negatives negatives = ItmLoss.hardNegatives(itc.similarity().value(), groups, rng);
        Var itm = ItmLoss.loss(model, image, text, negatives);
        Var itg = ItgLoss.loss(model, queries, text);
        return new Terms(itc.loss(), itm, itg, itc.loss().add(itm).add(itg), negatives);
    }
}
