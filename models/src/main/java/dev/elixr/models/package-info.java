/**
 * Model architectures on the autograd API, loadable from the weights people already have:
 * {@code vision} (VisionTransformer, EfficientNet with MBConv and squeeze-excitation, their configs, spatial tokens),
 * {@code text} (BertEncoder with optional cross-attention, WordPiece and basic tokenizers, length groups of a padded batch),
 * {@code transformer} (attention projections, Add &amp; Norm, masks, initialisation shared by both),
 * {@code qformer} (the BLIP-2 Q-Former, its masks and stage-1 losses, the stage-2 {@code language_projection} adapter),
 * {@code softprompt} (ELIXR-B stage 2: Q-Former soft prompts into a frozen LLM, answer-only labels),
 * {@code hf} (Hugging Face / torchvision folders: config.json, parameter names, strict loading, image preprocessing),
 * {@code llm} (Llama/Mistral/Qwen2 decoders, KV cache, BPE tokenizers from tokenizer.json, sampling and generation).
 */
package dev.elixr.models;
