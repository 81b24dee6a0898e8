/**
 * ELIXR-B stage 2 (Xu et al. 2023, §2.2; BLIP-2 §3.3): a frozen Llama-family LLM conditioned on an image through soft
 * prompts. {@link dev.elixr.models.softprompt.VisionLanguageModel} runs the frozen tower's tokens through ELIXR-B's
 * Q-Former (frozen, or trained by choice) and the {@link dev.elixr.models.qformer.LanguageProjection} adapter (linear or
 * MLP) into Q vectors of the LLM's width, prepended to the prompt's token embeddings;
 * {@link dev.elixr.models.softprompt.SoftPromptBatch} lays out right-padded prompt + answer rows with labels
 * on the answer tokens only (Hugging Face's causal-LM labels, whose loss is {@link dev.elixr.models.llm.CausalLmLoss});
 * the loss runs a batch's rows through the LLM in {@link dev.elixr.models.text.LengthGroups} of their extents, and takes
 * query outputs computed beforehand where the Q-Former is frozen ({@code lossOfQueryOutputs}).
 */
package dev.elixr.models.softprompt;
