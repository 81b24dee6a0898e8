/**
 * The LLM host: Llama-family decoders (Hugging Face {@code model_type} llama — also SmolLM and TinyLlama — mistral
 * and qwen2) in pure Java. {@link dev.elixr.models.llm.LlamaConfig} reads config.json;
 * {@link dev.elixr.models.llm.LlamaModel} loads model.safetensors (or shards) memory-mapped with weights in their
 * stored type (F32, F16, BF16), optionally quantised to Q8_0/Q4_0 at load, and runs inference on tensor-core ops
 * with no autograd tape: prefill through the GEMM, decoding through matrix–vector kernels that read the stored bytes,
 * both appending to a preallocated {@link dev.elixr.models.llm.KvCache}; {@code forwardEmbeds} takes embedding
 * vectors in place of ids (soft prompts). The same parameters, under Hugging Face's names, also run an autograd
 * forward for training and save back in HF layout: {@code embedTraining} (ids → differentiable inputs_embeds),
 * {@code forwardTraining} (ids or inputs_embeds [B, T, hidden] → logits [B, T, vocab], causal, gradients reaching the
 * inputs also through a frozen model) and {@link dev.elixr.models.llm.CausalLmLoss} (Hugging Face's shifted next-token
 * cross-entropy, labels of −100 not counted).
 * {@link dev.elixr.models.llm.BpeTokenizer} reads tokenizer.json (byte-level BPE and SentencePiece-style BPE with
 * byte fallback) and decodes, also as a stream; {@link dev.elixr.models.llm.BpeTrainer} trains a byte-level BPE
 * tokenizer and writes it as a tokenizer.json (what {@code elixr train lm} does on the reports); {@link dev.elixr.models.llm.Sampler} and
 * {@link dev.elixr.models.llm.Generator} sample and stream text. {@link dev.elixr.models.llm.GgufLlama} reads llama
 * GGUF files (Q8_0/Q4_0 in place) with the byte-level tokenizer inside them; {@link dev.elixr.models.llm.GgufWriter}
 * writes them. Not here yet: SentencePiece vocabularies and rope scaling inside GGUF files, sliding-window attention
 * (Mistral contexts beyond the window are refused), Jinja chat templates ({@link dev.elixr.models.llm.ChatFormat} recognises
 * four families' single-turn formats instead).
 */
package dev.elixr.models.llm;
