package dev.elixr.tensor.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Keeps the JVM's signal handlers in place while an OpenCL driver runs in the process.
 *
 * <p>HotSpot takes SIGSEGV on purpose: every safepoint poll and implicit null check faults, and its handler
 * resumes the thread. PoCL compiles kernels with LLVM, which installs its own one-shot handlers
 * ({@code SA_RESETHAND}) for SIGSEGV, SIGBUS, SIGILL, SIGINT, SIGTERM and more over the JVM's; PoCL itself
 * installs a SIGFPE handler that steps over integer divisions by zero (HotSpot turns those into
 * ArithmeticException). With LLVM's handler armed, the first fault resets the disposition to the default
 * action, and a second thread faulting in the same instant (at a safepoint every running thread faults)
 * kills the process: "Segmentation fault", no hs_err file. This happened in CI, after the OpenCL tests.
 *
 * <p>The guard records the handlers once, before the driver library is loaded, and after each driver call
 * that may have loaded it or run its compiler puts back every handler that changed. LLVM keeps believing
 * its handlers are installed, so it does not install them again. Under the JDK's signal-chaining library
 * ({@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}, as {@code ./elixr} and the test forks run) the JVM's
 * handlers are never replaced in the first place and the guard only tidies the chain. Linux only (the
 * layout of {@code struct sigaction} is glibc's); {@code -Delixr.opencl.signalGuard=false} turns it off.
 */
final class SignalGuard {
    /** Signals LLVM (Signals.inc) or PoCL take over and the JVM relies on; Linux numbering. */
    static final int[] SIGNALS = {1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 15, 24, 25, 31};
    static final int SIGSEGV = 11;
    /** Bytes reserved per struct sigaction (glibc: 152 on x86-64 and AArch64). */
    private static final long ACTION_BYTES = 256;

    private static final MethodHandle SIGACTION = lookupSigaction().orElse(null);
    private static final boolean ENABLED = SIGACTION != null
            && System.getProperty("os.name", "").startsWith("Linux")
            && Boolean.parseBoolean(System.getProperty("elixr.opencl.signalGuard", "true"));
    private static volatile MemorySegment[] saved;

    private SignalGuard() {}

    private static Optional<MethodHandle> lookupSigaction() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("sigaction").map(f -> linker.downcallHandle(f,
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)));
    }

    /** Records the current handlers; called once, before the driver library is loaded. */
    static synchronized void record() {
        if (!ENABLED || saved != null) return;
        MemorySegment[] s = new MemorySegment[SIGNALS.length];
        for (int i = 0; i < SIGNALS.length; i++) s[i] = current(SIGNALS[i], Arena.global());
        saved = s;
    }

    /** Cheap check after a kernel launch: one sigaction call; a full restore only if SIGSEGV's handler moved. */
    static void check() {
        MemorySegment[] s = saved;
        if (s == null) return;
        try (Arena a = Arena.ofConfined()) {
            if (handler(current(SIGSEGV, a)) != handler(s[indexOf(SIGSEGV)])) restore();
        }
    }

    /** Puts back every recorded handler that a driver replaced. */
    static synchronized void restore() {
        if (saved == null) return;
        try (Arena a = Arena.ofConfined()) {
            for (int i = 0; i < SIGNALS.length; i++) {
                if (handler(current(SIGNALS[i], a)) != handler(saved[i])) {
                    install(SIGNALS[i], saved[i]);
                }
            }
        }
    }


    /** Whether the guard is active in this process. */
    static boolean enabled() { return ENABLED; }

    /** The handler address installed for a signal now (0 = SIG_DFL, 1 = SIG_IGN). */
    static long handlerOf(int signal) {
        if (SIGACTION == null) return 0;
        try (Arena a = Arena.ofConfined()) {
            return handler(current(signal, a));
        }
    }

    private static MemorySegment current(int signal, Arena arena) {
        MemorySegment act = arena.allocate(ACTION_BYTES, 8);
        call(signal, MemorySegment.NULL, act);
        return act;
    }

    private static void install(int signal, MemorySegment act) { call(signal, act, MemorySegment.NULL); }

    private static void call(int signal, MemorySegment act, MemorySegment old) {
        try {
            int unused = (int) SIGACTION.invokeExact(signal, act, old);
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction(" + signal + ") failed", t);
        }
    }

    /** sa_handler / sa_sigaction: the first member of glibc's struct sigaction. */
    private static long handler(MemorySegment act) { return act.get(JAVA_LONG, 0); }

    private static int indexOf(int signal) {
        for (int i = 0; i < SIGNALS.length; i++) if (SIGNALS[i] == signal) return i;
        throw new IllegalArgumentException("signal " + signal + " is not guarded");
    }
}
