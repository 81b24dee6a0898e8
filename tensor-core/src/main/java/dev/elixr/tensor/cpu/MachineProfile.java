package dev.elixr.tensor.cpu;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the CPU kernels need to know about the machine they run on: the instruction set the JVM compiles vector code
 * for, the vector species, how many vector registers a kernel may hold live, and the data-cache sizes, each with
 * where it came from (so that {@code elixr info} can say why a kernel was chosen). Read once, at start-up, from the
 * JVM (the species, {@code -XX:UseAVX}), {@code /proc/cpuinfo} (ISA flags) and
 * {@code /sys/devices/system/cpu/cpu0/cache/index*} (cache sizes, Linux); anything not told falls back to a
 * stated default. The register count can be forced with {@code -Delixr.gemm.registers=16|32}.
 *
 * <p>Vector registers: x86-64 has 16 (xmm/ymm 0–15) unless the JVM emits AVX-512 (EVEX) code, which adds 16 more;
 * AArch64 has 32 (v0–v31, NEON or SVE).
 *
 * @param isa          e.g. "AVX-512", "AVX2+FMA", "NEON"
 * @param speciesBits  width of the float species the kernels use ({@link Simd})
 * @param registers    vector registers a kernel may use
 * @param registersWhy where the register count comes from
 * @param l1d          L1 data cache per core, bytes
 * @param l2           L2 cache per core, bytes
 * @param l3PerCore    last-level cache divided by the cores sharing it, bytes (0 if none)
 * @param cachesWhy    where the cache sizes come from
 */
public record MachineProfile(String isa, int speciesBits, int registers, String registersWhy,
                             long l1d, long l2, long l3PerCore, String cachesWhy) {
    private static final Path CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");
    /** Sizes assumed when the OS does not tell (a common x86 server core). */
    static final long DEFAULT_L1D = 32 << 10, DEFAULT_L2 = 512 << 10, DEFAULT_L3_PER_CORE = 2 << 20;

    private static final MachineProfile CURRENT = detect();

    /** This machine, as detected once at start-up. */
    public static MachineProfile current() { return CURRENT; }

    static MachineProfile detect() {
        String arch = System.getProperty("os.arch", "");
        int bits = Simd.F.vectorBitSize();
        Set<String> flags = cpuFlags(read(Path.of("/proc/cpuinfo")));
        String isa;
        int regs;
        String why;
        if (arch.equals("aarch64")) {
            isa = flags.contains("sve") ? "SVE/NEON" : "NEON";
            regs = 32;
            why = "AArch64: 32 vector registers (v0-v31)";
        } else {
            int useAvx = useAvx();
            boolean avx512 = flags.contains("avx512f") || (flags.isEmpty() && preferredBits() >= 512);
            boolean evex = avx512 && (useAvx >= 3 || (useAvx < 0 && preferredBits() >= 512));
            isa = evex ? "AVX-512" : flags.contains("avx2") && flags.contains("fma") ? "AVX2+FMA" : flags.contains("avx") ? "AVX"
                    : flags.isEmpty() ? "x86-64 (flags unknown)" : "SSE";
            regs = evex ? 32 : 16;
            why = evex ? "avx512f and the JVM emits EVEX code (UseAVX=" + useAvx + "): 32 vector registers"
                    : avx512 ? "avx512f present but the JVM runs with UseAVX=" + useAvx + " (no EVEX): 16 vector registers"
                    : "no AVX-512: 16 vector registers";
        }
        String forced = System.getProperty("elixr.gemm.registers");
        if (forced != null && !forced.isBlank()) {
            regs = parseRegisters(forced);
            why = "-Delixr.gemm.registers=" + forced.trim() + " (detected: " + why + ")";
        }
        long l1 = cacheSize(1, "Data"), l2 = cacheSize(2, "Unified"), l3 = cacheSize(3, "Unified");
        int l3Sharers = l3 > 0 ? sharers(3) : 1;
        boolean told = l1 > 0 && l2 > 0;
        String cachesWhy = told ? "sizes from " + CACHE + "/index*" : "defaults (the OS did not tell the cache sizes)";
        return new MachineProfile(isa, bits, regs, why, l1 > 0 ? l1 : DEFAULT_L1D, l2 > 0 ? l2 : DEFAULT_L2,
                l3 > 0 ? l3 / Math.max(1, l3Sharers) : told ? 0 : DEFAULT_L3_PER_CORE, cachesWhy);
    }

    static int parseRegisters(String s) {
        try {
            int r = Integer.parseInt(s.trim());
            if (r >= 8 && r <= 64) return r;
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("elixr.gemm.registers: '" + s + "' is not a vector register count (16 or 32)");
    }

    /** The flags line of /proc/cpuinfo (x86 "flags", ARM "Features"), as a set; empty when not found. */
    static Set<String> cpuFlags(String cpuinfo) {
        Set<String> out = new TreeSet<>();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim();
            if (key.equals("flags") || key.equals("Features")) {
                for (String f : line.substring(colon + 1).trim().split("\\s+")) if (!f.isEmpty()) out.add(f.toLowerCase(Locale.ROOT));
                break;
            }
        }
        return out;
    }

    /** "48K", "2048K", "1M", "32768" (bytes) as bytes; -1 when unreadable. */
    static long parseSize(String s) {
        s = s.trim().toUpperCase(Locale.ROOT);
        if (s.isEmpty()) return -1;
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            return Long.parseLong(digits.trim()) * unit;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Bytes of cpu0's cache of this level and type ("Data" or "Unified"), -1 if not reported. */
    private static long cacheSize(int level, String type) {
        for (int i = 0; i < 8; i++) {
            Path d = CACHE.resolve("index" + i);
            if (!Files.isDirectory(d)) continue;
            if (read(d.resolve("level")).trim().equals(String.valueOf(level)) && read(d.resolve("type")).trim().equals(type))
                return parseSize(read(d.resolve("size")));
        }
        return -1;
    }

    /** How many CPUs share cpu0's cache of this level (its shared_cpu_list, e.g. "0-1,8-9"). */
    private static int sharers(int level) {
        for (int i = 0; i < 8; i++) {
            Path d = CACHE.resolve("index" + i);
            if (Files.isDirectory(d) && read(d.resolve("level")).trim().equals(String.valueOf(level)))
                return Math.max(1, countCpus(read(d.resolve("shared_cpu_list"))));
        }
        return 1;
    }

    static int countCpus(String list) {
        int n = 0;
        for (String part : list.trim().split(",")) {
            if (part.isBlank()) continue;
            String[] r = part.trim().split("-");
            try {
                n += r.length == 2 ? Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1 : 1;
            } catch (NumberFormatException e) {
                n += 1;
            }
        }
        return n;
    }

    /** HotSpot's -XX:UseAVX (0–3), or -1 when the JVM does not say. */
    private static int useAvx() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Integer.parseInt(bean.getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The JVM's preferred float vector width, in bits. */
    private static int preferredBits() { return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize(); }

    /** Cache sizes as "48 KiB", "2 MiB". */
    public static String kib(long bytes) {
        return bytes >= (1 << 20) && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
