package dev.elixr.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Off-heap memory for large read-mostly arrays (decoding's weights and repacked copies, the bandwidth probe beside
 * them), on transparent huge pages when asked ({@code -Delixr.hugePages=true}) and Linux offers them: an anonymous
 * mapping aligned to 2 MiB and advised {@code MADV_HUGEPAGE} before its first touch, through the C library's
 * {@code mmap}/{@code madvise} (the foreign-function API; no JNI), unmapped when the segment becomes unreachable.
 * Decoding streams hundreds of MB per token; on 4 KiB pages each page is a TLB miss and a new start for the hardware
 * prefetchers. Off by default: on the shared 2-core Zen 5 no difference could be measured either way
 * (docs/results.md). Off, for small arrays, or where the calls are not available (another OS, THP {@code never}) it
 * is {@code Arena.ofAuto().allocate}. Memory comes zeroed either way.
 */
public final class HugePages {
    static final long PAGE = 2L << 20;
    /** Below this a plain allocation: a huge page per small array wastes memory. */
    static final long MIN_BYTES = 4L << 20;
    private static final boolean ON = Boolean.getBoolean("elixr.hugePages");
    private static final int PROT_READ_WRITE = 3, MAP_PRIVATE_ANONYMOUS = 0x22, MADV_HUGEPAGE = 14;
    private static final MethodHandle MMAP, MADVISE, MUNMAP;
    private static final String WHY;

    static {
        MethodHandle mmap = null, madvise = null, munmap = null;
        String why;
        try {
            if (!System.getProperty("os.name", "").startsWith("Linux")) throw new UnsupportedOperationException("not Linux");
            String mode = java.nio.file.Files.readString(java.nio.file.Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).trim();
            if (mode.contains("[never]")) throw new UnsupportedOperationException("transparent huge pages are off (" + mode + ")");
            Linker l = Linker.nativeLinker();
            var libc = l.defaultLookup();
            mmap = l.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
            madvise = l.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            munmap = l.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG));
            why = "transparent huge pages (" + mode + "), madvised";
        } catch (Throwable t) {
            mmap = madvise = munmap = null;
            why = "4 KiB pages: " + (t.getMessage() != null ? t.getMessage() : t.toString());
        }
        MMAP = mmap;
        MADVISE = madvise;
        MUNMAP = munmap;
        WHY = why;
    }

    private HugePages() {}

    /** How large arrays are allocated here, in words (for benchmark headers). */
    public static String describe() {
        return !ON ? "4 KiB pages (-Delixr.hugePages=true for huge pages)" : MMAP == null ? WHY : WHY + " for arrays of 4 MiB or more";
    }

    /** bytes of zeroed memory, 64-byte aligned or better: huge-page-advised when on, available and bytes ≥ 4 MiB. */
    public static MemorySegment allocate(long bytes) {
        return ON && bytes >= MIN_BYTES ? mapped(bytes) : Arena.ofAuto().allocate(bytes, 64);
    }

    /** The huge-page-advised mapping (a plain allocation where mmap is not available or fails). */
    static MemorySegment mapped(long bytes) {
        if (MMAP == null) return Arena.ofAuto().allocate(bytes, 64);
        try {
            long len = (bytes + PAGE - 1) / PAGE * PAGE, mapped = len + PAGE;
            MemorySegment base = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, mapped, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (base.address() == -1L) return Arena.ofAuto().allocate(bytes, 64); // MAP_FAILED
            long baseAddress = base.address(), start = (baseAddress + PAGE - 1) / PAGE * PAGE;
            MemorySegment aligned = MemorySegment.ofAddress(start).reinterpret(len);
            int advised = (int) MADVISE.invokeExact(aligned, len, MADV_HUGEPAGE); // a hint: if refused, 4 KiB pages
            return aligned.reinterpret(bytes, Arena.ofAuto(), s -> unmap(baseAddress, mapped));
        } catch (Throwable t) {
            return Arena.ofAuto().allocate(bytes, 64);
        }
    }

    private static void unmap(long address, long length) {
        try {
            int unmapped = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), length);
        } catch (Throwable ignored) {
            // the mapping stays with the process; nothing else to do from a cleaner
        }
    }
}
