/**
 * Reverse-mode automatic differentiation over {@link dev.elixr.tensor.Tensor}s.
 * <ul>
 *   <li>{@link dev.elixr.autograd.Var}: a value, its gradient and the node that made it; fluent differentiable
 *       methods; {@code backward()} walks the recorded nodes in reverse creation order and frees each after use.</li>
 *   <li>{@link dev.elixr.autograd.Functional}: layers as functions (linear, norms, conv, pooling, attention,
 *       embedding, losses, dropout), as torch.nn.functional.</li>
 *   <li>{@code functions}: one class per op family holding forward and backward, both tensor-core ops (the backward
 *       kernels of conv, pooling, embedding, norms, attention and losses included), so a graph runs on any backend
 *       without reading tensors to the host.</li>
 *   <li>{@link dev.elixr.autograd.ShardedBackward}: a batch's loss as shards, each shard's forward and backward on a
 *       core of its own, their leaf gradients added in shard order (the same bits on one thread or several).</li>
 *   <li>{@link dev.elixr.autograd.GradMode}: {@code try (var g = GradMode.noGrad()) {...}} records nothing.</li>
 *   <li>{@link dev.elixr.autograd.AnomalyMode}: {@code try (var a = AnomalyMode.detect()) {...}} checks every op's
 *       output and gradient for NaN/Inf and names the first bad op ({@link dev.elixr.autograd.NonFiniteException}).</li>
 *   <li>{@code check.GradCheck}: backward against fourth-order finite differences, for any module's tests.</li>
 *   <li>{@code nn}: Module (hierarchical names, state dicts, freezing) and layers; {@code optim}: SGD, AdamW,
 *       LARS (updates and clipping on the parameters' device), cosine schedule; {@code io}: safetensors, .npy, atomic checkpoints.</li>
 * </ul>
 */
package dev.elixr.autograd;
