package dev.elixr.spark;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a run's seconds go on the driver: each phase's wall-clock seconds and the CPU seconds of the whole JVM (every
 * thread: in local mode the executor's tasks too) as it ends, counted from the end of the previous one, the first
 * from the JVM's start (so JVM start-up and class loading are in it), printed on the log. CPU seconds are what a
 * machine shared with other work does not stretch.
 */
final class PhaseLog {
    /** One phase: its name and seconds. */
    record Phase(String name, double seconds, double cpuSeconds) {}

    private final PrintStream log;
    private final List<Phase> phases = new ArrayList<>();
    private long last, lastCpu;

    /** Counts the first phase from the JVM's start. */
    static PhaseLog sinceJvmStart(PrintStream log) {
        return new PhaseLog(log, ManagementFactory.getRuntimeMXBean().getStartTime(), 0);
    }

    /** Counts the first phase from now. */
    static PhaseLog sinceNow(PrintStream log) {
        return new PhaseLog(log, System.currentTimeMillis(), cpuNanos());
    }

    private PhaseLog(PrintStream log, long startMillis, long startCpuNanos) {
        this.log = log;
        this.last = startMillis;
        this.lastCpu = startCpuNanos;
    }

    /** CPU time of this JVM, every thread (0 where the platform does not tell). */
    private static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** Ends the current phase under this name. */
    synchronized void done(String name) {
        long now = System.currentTimeMillis(), cpu = cpuNanos();
        Phase p = new Phase(name, (now - last) / 1e3, (cpu - lastCpu) / 1e9);
        phases.add(p);
        last = now;
        lastCpu = cpu;
        log.printf(Locale.ROOT, "elixr: %6.2f s (CPU %6.2f s) %s%n", p.seconds(), p.cpuSeconds(), name);
    }

    synchronized List<Phase> phases() { return List.copyOf(phases); }
}
