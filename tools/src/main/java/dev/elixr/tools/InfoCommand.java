package dev.elixr.tools;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.cpu.CacheLines;
import dev.elixr.tensor.cpu.DepthwiseConv;
import dev.elixr.tensor.cpu.GemmPlan;
import dev.elixr.tensor.cpu.MachineProfile;
import dev.elixr.tensor.cpu.Simd;
import dev.elixr.tensor.opencl.OpenClDevices;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryManagerMXBean;
import java.util.stream.Collectors;

/** {@code elixr info}: the JDK, the vector species, the GEMM kernel chosen for this machine and why, cores, the JVM's collector and spilling, and backends. */
@Command(name = "info", description = "Show the JDK, SIMD vector species, the GEMM kernel and depthwise blocks chosen and why, cores, the JVM's collector and C2's spilling, and available backends.")
final class InfoCommand implements Runnable {
    @Override
    public void run() {
        var species = Simd.species();
        System.out.printf("JDK          %s (%s)%n", Runtime.version(), System.getProperty("java.vm.vendor"));
        System.out.printf("OS / arch    %s %s%n", System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf("vector       %s: %d-bit, %d float lanes%s%n", species, species.vectorBitSize(), species.length(),
                species.equals(FloatVector.SPECIES_PREFERRED) ? " (the JVM's preferred)"
                        : " (-Delixr.vector.bits; the JVM prefers " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit)");
        MachineProfile m = MachineProfile.current();
        System.out.printf("ISA          %s, %d vector registers (%s)%n", m.isa(), m.registers(), m.registersWhy());
        System.out.printf("caches       L1d %s, L2 %s, L3 per core %s (%s)%n", MachineProfile.kib(m.l1d()), MachineProfile.kib(m.l2()),
                m.l3PerCore() > 0 ? MachineProfile.kib(m.l3PerCore()) : "none", m.cachesWhy());
        GemmPlan plan = GemmPlan.DEFAULT;
        System.out.printf("gemm         %s%n", plan);
        for (String why : plan.why()) System.out.println("               " + why);
        System.out.println("               " + CacheLines.describe());
        System.out.printf("depthwise    %s%n", DepthwiseConv.blocks());
        System.out.printf("cores        %d available, kernel threads %d (-Delixr.threads=N)%n",
                Runtime.getRuntime().availableProcessors(), Parallel.threads());
        System.out.printf("memory       max heap %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("JVM          collector %s; %s%n", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(MemoryManagerMXBean::getName).collect(Collectors.joining(" + ")), spilling());
        System.out.println("backends     cpu: available");
        for (String line : OpenClDevices.describe()) System.out.println("             " + line);
    }

    /** Where C2 spills general registers: the launcher turns spilling into vector registers off on AVX-512 (README, Benchmarks). */
    private static String spilling() {
        var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        String v;
        try {
            v = hotspot == null ? null : hotspot.getVMOption("UseFPUForSpilling").getValue();
        } catch (IllegalArgumentException notThisJvm) {
            v = null;
        }
        if (v == null) return "C2's spilling unknown (this JVM has no UseFPUForSpilling option)";
        return v.equals("false") ? "C2 spills general registers to the stack (-XX:-UseFPUForSpilling)"
                : "C2 may spill general registers into vector registers (-XX:+UseFPUForSpilling)";
    }
}
