/**
 * Matrix–vector products over weights kept in their stored form — the memory-bound heart of batch-1 LLM decoding:
 * {@link dev.elixr.tensor.matvec.MatVec} for F32/F16/BF16 matrices (heap or memory-mapped, half precision widened in
 * registers) and {@link dev.elixr.tensor.matvec.QuantizedMatrix} for llama.cpp's Q8_0 and Q4_0 blocks (Q8_0 repacked
 * at its first product one row per vector lane, {@code Q8LaneRows}, or into the earlier groups of four rows,
 * {@code Q8Rows}, with {@code -Delixr.q8.kernel=groups}); {@link dev.elixr.tensor.matvec.HalfRows} is the four-row
 * grouping for BF16/F16 weights, as an opt-in copy. Each fast kernel has a plain twin in
 * {@code dev.elixr.tensor.reference} that the tests hold it to.
 */
package dev.elixr.tensor.matvec;
