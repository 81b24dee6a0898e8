/**
 * Plain-loop reference implementations of every op in {@code dev.elixr.tensor.ops}, with the same class and
 * method names: double accumulation, no vectors, no threads, no backend — readable and slow. Tests of any
 * module hold the real kernels equal to these on random inputs.
 */
package dev.elixr.tensor.reference;
