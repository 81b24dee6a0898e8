/**
 * The OpenCL backend: GPU offload through the system's OpenCL driver, called with java.lang.foreign (no JNI,
 * no native code of ours). The same kernels run on NVIDIA, AMD and Intel GPUs and, in tests and CI, on PoCL
 * (a CPU implementation of OpenCL).
 *
 * <ul>
 *   <li>{@link dev.elixr.tensor.opencl.ClApi}: downcall handles for the OpenCL 1.2 calls used, loaded on first use
 *       (machines without libOpenCL.so.1 never touch it); {@code ClStatus} names every status code, and
 *       {@link dev.elixr.tensor.opencl.OpenClException} carries the failing call and that name.</li>
 *   <li>{@link dev.elixr.tensor.opencl.OpenClDevices}: devices numbered across platforms; {@code opencl:N} is the
 *       N-th. {@code elixr info} prints {@link dev.elixr.tensor.opencl.OpenClDevices#describe()}.</li>
 *   <li>{@code ClContext}: context, one in-order queue, buffers ({@link dev.elixr.tensor.opencl.ClBuffer}, a
 *       {@code Storage} released by a Cleaner), transfers, device-memory accounting; {@code ClPrograms}: kernel
 *       sources (resources {@code dev/elixr/tensor/opencl/*.cl}, each prefixed with {@code common.cl}) built once
 *       per device and options, cached; {@code ClKernel}: argument setting and launch.</li>
 *   <li>{@link dev.elixr.tensor.opencl.OpenClBackend}: the {@code Backend}; one class per op family on the device:
 *       {@code ClElementwise} (broadcast through stride-0 views; dimensions collapsed so most launches are
 *       1-D), {@code ClReduce}, {@code ClNorm} (softmax, layer/RMS norm, batch norm, and their gradients),
 *       {@code ClGemm} (tiled SGEMM with register blocking, any strides, batched), {@code ClConv} (im2col + GEMM;
 *       direct kernel for grouped convolutions; pooling; col2im and the pooling gradient), {@code ClAttention} (QKᵀ
 *       GEMM, masked softmax in place, PV GEMM; the probabilities for the backward), {@code ClIndex} (gather,
 *       scatter-add grouped by destination row), {@code ClLoss} (fused cross-entropy and gradient),
 *       {@code ClTraining} (counter-based dropout masks, AdamW and SGD updates in place).</li>
 * </ul>
 *
 * <p>A chain of ops stays on the device: every kernel is queued on the same in-order queue and nothing waits
 * until a result is read back ({@code toCpu()}). Results agree with the float64 references within the CPU
 * tests' tolerances; only the order of float32 summation differs (tree reductions within a work-group), which
 * the sum tolerances (∝ √n) already allow.
 *
 * <p>System properties: {@code elixr.opencl.library} (default libOpenCL.so.1), {@code elixr.opencl.gemm=BM,BN,BK,RM,RN}
 * (GEMM tiles; default 128,128,16,8,8 for large products on GPUs, else 64,64,16,4,4), {@code elixr.opencl.wg}
 * (reduction work-group size), {@code elixr.opencl.budgetMiB} (device memory before a GC is asked for),
 * {@code elixr.opencl.signalGuard} (default true; see below).
 * Environment: {@code POCL_CACHE_DIR} (PoCL's kernel cache; the build points it into target/).
 *
 * <p>Driver quirk met on PoCL 3: a kernel that returns between two barriers, even uniformly across the
 * work-group, corrupted host memory; the kernels here never return early once a barrier is ahead.
 *
 * <p>Signals: PoCL's LLVM installs one-shot SIGSEGV/SIGBUS/... handlers over the JVM's (two threads meeting a
 * safepoint then killed the process, "Segmentation fault" without hs_err, seen in CI), and PoCL's SIGFPE handler
 * made Java's integer division by zero return instead of throwing. {@code SignalGuard} records the JVM's
 * handlers before the driver loads and puts them back after every call that may have started it or compiled.
 */
package dev.elixr.tensor.opencl;
