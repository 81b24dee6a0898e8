/**
 * Reverse-mode automatic differentiation over tensor-core ops, neural-network layers ({@code nn}),
 * optimizers and schedules ({@code optim}), tensor files (safetensors, .npy) and resumable
 * checkpoints ({@code io}). Coming with the issue "Autograd, neural-network layers, optimizers,
 * tensor files and resumable checkpoints".
 */
package dev.elixr.autograd;
