/**
 * The BLIP-2 Querying Transformer (Li et al. 2023), ELIXR-B's bridge between the frozen ELIXR-C image encoder and a
 * language model: {@link dev.elixr.models.qformer.QFormerConfig}, {@link dev.elixr.models.qformer.QFormer} (Hugging
 * Face BLIP-2 parameter names, loaded strictly by {@code dev.elixr.models.hf.HfModels#qformer}), the three stage-1
 * attention masks ({@link dev.elixr.models.qformer.QFormerMasks}) and losses ({@link dev.elixr.models.qformer.ItcLoss},
 * {@link dev.elixr.models.qformer.ItmLoss}, {@link dev.elixr.models.qformer.ItgLoss}, summed by
 * {@link dev.elixr.models.qformer.StageOneLoss}), and stage 2's adapter into the LLM,
 * {@link dev.elixr.models.qformer.LanguageProjection}. Two opt-in deviations from BLIP-2's ITC for a small Q-Former whose
 * image-independent queries floor the best-query similarity: {@link dev.elixr.models.qformer.QueryCentring} (each query's
 * embedding centred on its mean over images) and {@link dev.elixr.models.qformer.ItcLoss.QueryPooling#LOG_SUM_EXP}.
 * Training commands and evaluations live elsewhere.
 */
package dev.elixr.models.qformer;
