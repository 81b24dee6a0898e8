/**
 * JMH benchmarks and side-by-side comparisons with numpy/OpenBLAS and PyTorch on the same machine.
 * Coming with the issue "Fast CPU kernels".
 */
package dev.elixr.bench;
