package dev.elixr.tensor.opencl;

import dev.elixr.tensor.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OpenCL driver leaves the JVM's signal handlers in place: building and launching a kernel (PoCL runs
 * LLVM, which installs one-shot SIGSEGV/SIGBUS/... handlers) changes none of them, and integer division by
 * zero still throws after the driver started (PoCL's SIGFPE handler steps over such divisions).
 * See {@link SignalGuard} for the crash this prevents.
 */
class SignalGuardTest {
    static ClContext ctx;

    @BeforeAll
    static void device() {
        ctx = ((OpenClBackend) Backends.forDevice(OpenClTestDevice.require())).context();
    }

    /** The shared object a signal's handler lives in (dladdr), or SIG_DFL / SIG_IGN. */
    static String handlerLibrary(int signal) {
        long h = SignalGuard.handlerOf(signal);
        if (h == 0 || h == 1) return h == 0 ? "SIG_DFL" : "SIG_IGN";
        Linker linker = Linker.nativeLinker();
        MethodHandle dladdr = linker.downcallHandle(linker.defaultLookup().find("dladdr").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(32, 8); // Dl_info: dli_fname, dli_fbase, dli_sname, dli_saddr
            int found = (int) dladdr.invokeExact(MemorySegment.ofAddress(h), info);
            if (found == 0) return "unknown(0x" + Long.toHexString(h) + ")";
            return info.get(ADDRESS, 0).reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void afterBuildingAndLaunchingANewKernelTheCrashSignalsStillGoToTheJvm() {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "signal handlers are checked on Linux");
        assertTrue(SignalGuard.enabled(), "the guard is on by default on Linux");
        // New build options force a fresh compile (program cache miss), which is when LLVM installs its handlers.
        ClKernel k = ctx.programs().kernel("elementwise", "unary_contig", "-DELIXR_SIGNAL_GUARD_TEST=" + System.nanoTime());
        ClBuffer x = ctx.allocate(16), out = ctx.allocate(16);
        k.run1d(16, 0, 16, x, 0, out, 0);
        ctx.finish();
        for (int signal : new int[] {4, 7, 8, 11}) { // SIGILL, SIGBUS, SIGFPE, SIGSEGV
            String lib = handlerLibrary(signal);
            assertTrue(lib.endsWith("/libjvm.so"), "signal " + signal + " is handled in " + lib + ", expected the JVM's libjvm.so");
        }
    }

    @Test
    void integerDivisionByZeroStillThrowsOnceTheDriverRuns() {
        ctx.finish();
        int[] zeros = new int[1000];
        int thrown = 0;
        for (int round = 0; round < 20_000; round++) { // interpreted, then compiled by C1 and C2
            try {
                int unused = round / zeros[round % zeros.length];
            } catch (ArithmeticException e) {
                thrown++;
            }
        }
        assertEquals(20_000, thrown, "every division by zero throws ArithmeticException");
        assertThrows(ArithmeticException.class, () -> divide(1, zeros[0]));
    }

    private static int divide(int a, int b) { return a / b; }
}
