package dev.elixr.bench.autograd;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where the time of a training step goes: samples the stack of the thread running the step every
 * millisecond and files each sample under the innermost dev.elixr frame — tensor-core kernels
 * (dev.elixr.tensor.cpu, strided copies included), autograd's own backward loops (dev.elixr.autograd.functions),
 * output allocation, tensor views / op front-ends, and the tape (Var, Node, Backprop, modules). GC time is read
 * from the collectors. Sampling happens at safepoints, so the split is approximate; on a shared machine, noisy.
 * Usage: java --add-modules jdk.incubator.vector -cp benchmarks.jar dev.elixr.bench.autograd.KernelShare [seconds]
 */
public final class KernelShare {
    enum Where { KERNELS, AUTOGRAD_LOOPS, ALLOCATION, FRONT_ENDS_AND_VIEWS, TAPE, OTHER }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        report("transformer block 384/6 heads/197 tokens/batch 8", new Workloads.BlockStep(8, 197), seconds);
        report("MLP 784-1024-1024-10, batch 128", new Workloads.MlpStep(128), seconds);
    }

    static void report(String name, Runnable step, double seconds) throws InterruptedException {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.4e9);
        while (System.nanoTime() < warmEnd) step.run();
        Map<Where, Integer> counts = new EnumMap<>(Where.class);
        Map<String, Integer> methods = new java.util.HashMap<>();
        Thread runner = Thread.currentThread();
        boolean[] stop = {false};
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!stop[0]) {
                StackTraceElement[] st = runner.getStackTrace();
                counts.merge(classify(st), 1, Integer::sum);
                methods.merge(innermost(st), 1, Integer::sum);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long gc0 = gcMillis(), t0 = System.nanoTime(), end = t0 + (long) (seconds * 0.6e9);
        int steps = 0;
        while (System.nanoTime() < end) {
            step.run();
            steps++;
        }
        long elapsed = System.nanoTime() - t0, gc = gcMillis() - gc0;
        stop[0] = true;
        sampler.join();
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("%s: %d steps, %.1f ms/step, GC %.1f%% of wall time%n", name, steps, elapsed / 1e6 / steps, 100.0 * gc / (elapsed / 1e6));
        for (Where w : Where.values()) System.out.printf("  %-22s %5.1f%%%n", w, 100.0 * counts.getOrDefault(w, 0) / Math.max(1, total));
        double inKernels = 100.0 * (counts.getOrDefault(Where.KERNELS, 0) + counts.getOrDefault(Where.AUTOGRAD_LOOPS, 0)) / Math.max(1, total);
        System.out.printf("  inside kernels (tensor-core + autograd backward loops): %.1f%% of samples (%d samples)%n", inKernels, total);
        methods.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(8)
                .forEach(e -> System.out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }

    static Where classify(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName(), m = f.getMethodName();
            if (!c.startsWith("dev.elixr.")) continue;
            if (c.equals("dev.elixr.tensor.Parallel") || c.startsWith("dev.elixr.bench.")) continue;
            if (m.equals("allocate") || c.equals("dev.elixr.tensor.HeapStorage")) return Where.ALLOCATION;
            if (c.startsWith("dev.elixr.tensor.cpu.")) return Where.KERNELS;
            if (c.startsWith("dev.elixr.autograd.functions.Host")) return Where.ALLOCATION;
            if (c.startsWith("dev.elixr.autograd.functions.")) return Where.AUTOGRAD_LOOPS;
            if (c.startsWith("dev.elixr.tensor.")) return Where.FRONT_ENDS_AND_VIEWS;
            if (c.startsWith("dev.elixr.autograd.")) return Where.TAPE;
            return Where.OTHER;
        }
        return Where.OTHER;
    }

    /** The innermost dev.elixr method, named Class.method. */
    static String innermost(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (c.startsWith("dev.elixr.") && !c.equals("dev.elixr.tensor.Parallel")) return c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
        }
        return "(other)";
    }

    static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, b.getCollectionTime());
        return t;
    }
}
