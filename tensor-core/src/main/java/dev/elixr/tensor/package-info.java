/**
 * Math on tensors and nothing else: no gradients, no model files, no command line.
 * <ul>
 *   <li>{@link dev.elixr.tensor.Tensor}: an N-d float32 array, a {@link dev.elixr.tensor.Storage} seen through a shape,
 *       strides and an offset; views (reshape, permute, transpose, narrow, expand, squeeze) share storage.
 *       {@link dev.elixr.tensor.Shape} holds the shape arithmetic and broadcasting rules.</li>
 *   <li>{@link dev.elixr.tensor.Storage}: heap arrays ({@link dev.elixr.tensor.HeapStorage}) or memory segments
 *       ({@link dev.elixr.tensor.SegmentStorage}, e.g. a memory-mapped weights file) in a {@link dev.elixr.tensor.DType};
 *       each lives on one {@link dev.elixr.tensor.Device}. {@link dev.elixr.tensor.HugePages} allocates large off-heap
 *       arrays (decoding's repacked weights), on transparent huge pages when asked.</li>
 *   <li>{@code ops}: the front-ends users call (one class per family: elementwise, reduce, matmul, conv, pool, softmax,
 *       norm, attention, index). They check shapes, allocate the output and call the tensor's backend.</li>
 *   <li>{@code backend}: the {@link dev.elixr.tensor.backend.Backend} interface, the primitive operations a device must
 *       provide, and {@link dev.elixr.tensor.backend.Backends}, which finds the backend of a device.</li>
 *   <li>{@code cpu}: the CPU backend's kernels, written with the Vector API and run on all cores through
 *       {@link dev.elixr.tensor.Parallel} (or inline, one core per job, while jobs run side by side:
 *       {@link dev.elixr.tensor.Parallel#besideOthers}); each fast kernel starts with a comment on its blocking and vector strategy.</li>
 *   <li>{@code reference}: plain-loop twins of the kernels (double accumulation, no vectors, no threads) that tests
 *       hold the fast kernels equal to.</li>
 *   <li>{@code opencl}: the OpenCL backend through Java's FFM API (no native code of ours).</li>
 * </ul>
 */
package dev.elixr.tensor;
