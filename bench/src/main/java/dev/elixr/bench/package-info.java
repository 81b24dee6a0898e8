/**
 * Speed, measured: side-by-side comparisons run by {@code elixr bench} (SGEMM and ops beside numpy/OpenBLAS
 * ({@link dev.elixr.bench.GemmComparison}, {@link dev.elixr.bench.OpsComparison}), model forwards beside PyTorch
 * ({@link dev.elixr.bench.ModelsComparison}), LLM prefill and decode beside the memory-bandwidth bound
 * ({@link dev.elixr.bench.LlmBench})), the FMA-peak and bandwidth probes they divide by, and JMH benchmarks in
 * {@code jmh}. The numpy and PyTorch peers run beside ours ({@link dev.elixr.bench.PeerProcess}) and their timed rounds
 * alternate with ours ({@link dev.elixr.bench.Timing#sideBySide}), so that a slow stretch of the machine falls on both.
 * Speed is measured here, never in unit tests.
 */
package dev.elixr.bench;
