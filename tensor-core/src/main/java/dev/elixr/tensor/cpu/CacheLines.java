package dev.elixr.tensor.cpu;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where a heap {@code float[]} lies against 64-byte cache lines, so that a packing buffer can be filled from the first
 * element that starts a line. A vector of 16 floats loaded from an address that is not a multiple of 64 spans two
 * lines (a split load); the micro-kernels load every packed strip of B a vector at a time, so a strip that starts off
 * a line splits every one of its loads. The JVM places arrays on 8-byte boundaries only and tells nobody where: a
 * packing buffer lands on one of eight offsets against a line, and at seven of them Sgemm's A-strips-outer loop ran
 * 10–15% slower than on the line (docs/results.md, session 31).
 *
 * <p>The address is read through the foreign-function API, no JNI: the C library's {@code memset(p, 0, 0)} writes
 * nothing and returns p, and a heap array may be passed to it as a {@link Linker.Option#critical(boolean) critical}
 * call's argument, which hands the native side the array's address as it is during the call. The garbage collector may
 * move the array afterwards, so callers ask again for every product (3–4 ns a call once compiled, with G1, ZGC,
 * Shenandoah, Parallel and Serial alike) and a move costs only speed, never a wrong result. Where native access is not
 * enabled for this module ({@code --enable-native-access}; the launcher and the tests enable it) or the call is not
 * available, or with {@code -Delixr.gemm.alignB=false}, every offset is 0: the array's own placement, as before.
 */
public final class CacheLines {
    /** Bytes in a cache line on the machines we target (x86-64, and the 64-byte lines of most AArch64 cores). */
    static final int LINE = 64;
    /** Slack a buffer needs so that {@link #floatsToLine} elements can be skipped at its start. */
    static final int SLACK = LINE / Float.BYTES;
    private static final MethodHandle MEMSET;
    private static final String WHY;

    static {
        MethodHandle h = null;
        String why;
        try {
            if (!Boolean.parseBoolean(System.getProperty("elixr.gemm.alignB", "true"))) throw new IllegalStateException("-Delixr.gemm.alignB=false");
            if (!CacheLines.class.getModule().isNativeAccessEnabled())
                throw new IllegalStateException("native access is not enabled (--enable-native-access)");
            Linker l = Linker.nativeLinker();
            h = l.downcallHandle(l.defaultLookup().find("memset").orElseThrow(() -> new IllegalStateException("no memset in the C library")),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    Linker.Option.critical(true));
            why = "packed B strips start on 64-byte lines (the buffer's address from the C library's memset(p, 0, 0), a critical FFM call)";
        } catch (Throwable t) {
            h = null;
            why = "packed B strips where the JVM placed the buffer: " + (t.getMessage() != null ? t.getMessage() : t.toString());
        }
        MEMSET = h;
        WHY = why;
    }

    private CacheLines() {}

    /** Whether {@link #floatsToLine} can learn addresses here. */
    public static boolean available() { return MEMSET != null; }

    /** One line for {@code elixr info} and benchmark headers: how packing buffers are aligned and why. */
    public static String describe() { return WHY; }

    /** The first index i in [0, {@link #SLACK}) at which a[i] starts a 64-byte line now, or 0 where that cannot be learned. */
    static int floatsToLine(float[] a) {
        if (MEMSET == null || a.length == 0) return 0;
        long address = address(MemorySegment.ofArray(a));
        return address < 0 ? 0 : (int) ((LINE - address % LINE) % LINE / Float.BYTES);
    }

    /** The address of a segment's first byte (heap or native) as the native side sees it now, or −1 where it cannot be learned. */
    static long address(MemorySegment s) {
        if (MEMSET == null) return -1;
        try {
            return ((MemorySegment) MEMSET.invokeExact(s, 0, 0L)).address();
        } catch (Throwable t) {
            return -1;
        }
    }
}
