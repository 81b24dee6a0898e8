package dev.elixr.bench;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backend;
import dev.elixr.tensor.backend.Backends;
import dev.elixr.tensor.opencl.OpenClBackend;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * SGEMM speed on a device: C = A·B with A [M,K], B [K,N] already resident, timed over repetitions after a
 * warm-up (on OpenCL, waiting for the queue to drain), plus a spot check of 32 entries against float64 dot
 * products. {@code java ... dev.elixr.bench.DeviceGemmBench opencl M [K N [t]]} prints one line (shapes M×K×N as in
 * {@code elixr bench gemm}; t: B used transposed);
 * {@code --list} lists the OpenCL devices.
 */
public final class DeviceGemmBench {
    private DeviceGemmBench() {}

    /** Timing and accuracy of one size. */
    public record Result(Device device, int m, int n, int k, boolean transB, int reps, double seconds, double maxRelError) {
        public double gflops() { return 2.0 * m * n * k * reps / seconds / 1e9; }

        public String json() {
            return String.format(Locale.ROOT, "{\"device\": \"%s\", \"shape\": \"%dx%dx%d%s\", \"gflops\": %.2f, \"max_rel_err\": %.2e}",
                    device, m, k, n, transB ? "t" : "", gflops(), maxRelError);
        }

        public String line() {
            return String.format(Locale.ROOT, "gemm %-9s %5d x %5d x %5d%s  %8.1f GFLOP/s  (%d reps, %.3f s, max rel err %.1e)",
                    device, m, k, n, transB ? "t" : " ", gflops(), reps, seconds, maxRelError);
        }
    }

    public static Result run(Device device, int m, int n, int k, double minSeconds) { return run(device, m, n, k, false, minSeconds); }

    /** With transB, B is stored as [N,K] (a Linear layer's weight) and used through its transposed view. */
    public static Result run(Device device, int m, int n, int k, boolean transB, double minSeconds) {
        Backend be = Backends.forDevice(device);
        Tensor ha = Tensor.uniform(new SplittableRandom(1), -1, 1, m, k);
        Tensor hbStored = transB ? Tensor.uniform(new SplittableRandom(2), -1, 1, n, k) : Tensor.uniform(new SplittableRandom(2), -1, 1, k, n);
        Tensor hb = transB ? hbStored.t() : hbStored;
        Tensor a = ha.to(device), b = transB ? hbStored.to(device).t() : hbStored.to(device);
        Tensor c = new Tensor(be.allocate(m * n), m, n);
        be.matmul(a, b, c); // warm-up: builds the kernel
        sync(be, c);
        int reps = 0;
        long t0 = System.nanoTime();
        double elapsed = 0;
        while (elapsed < minSeconds) {
            for (int i = 0; i < 4; i++, reps++) be.matmul(a, b, c);
            sync(be, c);
            elapsed = (System.nanoTime() - t0) / 1e9;
        }
        return new Result(device, m, n, k, transB, reps, elapsed, spotCheck(ha, hb, c.toCpu()));
    }

    private static void sync(Backend be, Tensor c) {
        if (be instanceof OpenClBackend cl) cl.finish();
    }

    private static double spotCheck(Tensor a, Tensor b, Tensor c) {
        var rng = new SplittableRandom(3);
        int m = a.size(0), k = a.size(1), n = b.size(1);
        double worst = 0;
        for (int t = 0; t < 32; t++) {
            int i = rng.nextInt(m), j = rng.nextInt(n);
            double s = 0, mag = 0;
            for (int l = 0; l < k; l++) {
                s += (double) a.get(i, l) * b.get(l, j);
                mag += Math.abs((double) a.get(i, l) * b.get(l, j));
            }
            worst = Math.max(worst, Math.abs(s - c.get(i, j)) / Math.max(mag, 1e-30));
        }
        return worst;
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--list")) {
            dev.elixr.tensor.opencl.OpenClDevices.describe().forEach(System.out::println);
            return;
        }
        Device d = Device.parse(args.length > 0 ? args[0] : "opencl");
        int m = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : m, n = args.length > 3 ? Integer.parseInt(args[3]) : m;
        boolean transB = args.length > 4 && args[4].equals("t");
        if (d.kind() == Device.Kind.OPENCL) System.out.println(((OpenClBackend) Backends.forDevice(d)).info().summary());
        System.out.println(run(d, m, n, k, transB, Double.parseDouble(System.getProperty("elixr.bench.seconds", "3"))).line());
    }
}
