package dev.elixr.tensor.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * How {@link Sgemm} runs on this machine: the micro-kernel (tile shape) and the cache blocks KC, MC, NC, each with the
 * reason it was chosen. Chosen once at start-up from the {@link MachineProfile}; every choice can be overridden for
 * experiments ({@code -Delixr.gemm.tile=6x2}, {@code -Delixr.gemm.kc=256}, {@code .mc}, {@code .nc}, {@code .inPlaceN},
 * {@code -Delixr.gemm.registers=16}, {@code .rowsOuterC}, {@code .ncRows}, {@code .mcRows}, {@code .wholeTiles},
 * {@code .wholeKc}). Tests and benchmarks build other plans with {@link #of}, {@link #withInPlaceN},
 * {@link #withRowsOuter} and {@link #withWholeTiles}.
 *
 * <p>Tile: the first of 8×2, 6×2, 4×3, 5×2, 4×2 whose live vector registers ({@link MicroKernel#registers()}:
 * accumulators, B vectors and the three broadcasts C2 keeps in flight) fit the machine's count: 8×2 with 32 registers
 * (AVX-512, AArch64), 5×2 with 16 (AVX2/FMA3). BLIS and OpenBLAS use 6×2 there, in assembly; compiled by C2 it spills an
 * accumulator every k (see {@link MicroKernel}): with -XX:UseAVX=2 on an AVX-512 Xeon, 1 thread, the 4×2 tile ran
 * 1024³ at 58–63 GFLOP/s against 48–51 for 6×2 (shared machine). 5×2 keeps its ten accumulators in registers only when
 * C2 compiles it after both fresh and accumulating tiles, which {@link Kernel5x2} sees to; it runs 10–20% above 4×2 on a
 * Sapphire-Rapids-class Xeon. The entries that read A in place ({@link MicroKernel#rows}, always from zero) keep 4×2
 * there ({@link #chooseTwoVectors}). 8×3 and 12×2 also fit 32 registers but ran no faster as the plan's tile at
 * 1024³–2048³ on an AVX-512 Xeon (within the noise of a shared machine), and 8×3's 48-column strips pad N = 64
 * (attention heads) to 96; 12×2 computes the whole tiles of the A-strips-outer order instead ({@link #wholeTiles()}).
 *
 * <p>Cache blocks, after the analytical model of Low et al., "Analytical modeling is enough for high-performance BLIS"
 * (TOMS 2016): the KC×NR strip of B that the micro-kernel streams for every A strip stays in two thirds of L1d
 * (KC = L1d · 2/3 / (4·NR)), the rest left to the A strip and C's tile, kept between 256 and 512 (256 for the 8×2
 * tile on a 48 KiB L1, the block tuned on AVX-512 before; a 768-deep strip that fills L1 ran 25% slower at M = 197
 * with the 6×2 tile, shared machine; half of L1, 384 for the 5×2 tile on a 48 KiB L1, ran 2048³ 7–10% slower than 512
 * on a Xeon, AVX2 code, thread CPU time: fewer K blocks, fewer passes of C through the caches);
 * the MC×KC block of A in half of L2 (MC = L2 / 2 / (4·KC)); the KC×NC panel of B in half of a core's share of L3
 * (NC = L3 per core / 2 / (4·KC)). MC and NC are clamped (MC 4·MR–{@link #MC_MAX} = 256, NC 16·NR–4096) and rounded to whole tiles.
 *
 * <p>Loop order: products over several K blocks with a large, wide C ({@link #rowsOuterC()}: a thread's block of C of
 * four L2s or more, at least a panel wide) turn the two innermost loops round, A strips outer over a KC×NC panel of B in half of L2
 * ({@link #ncRows()}): C's tiles, read again for every K block, are then visited along its rows, which the hardware
 * prefetcher follows, instead of down a column strip, a new page every row. In that order a thread's K block of A is
 * packed once for all the panels ({@link #mcRows()}: up to 8 MiB of it at a time), not once per panel. There the
 * A strip, not B's, is what stays in L1 while B streams from L2, two vectors a k: a taller tile of the same width reads
 * fewer of B's bytes a flop and takes a deeper KC (its A strip in half of L1d), so fewer passes over C. On 32 registers
 * that is 12×2 at KC 512 beside 8×2 at 256 ({@link #wholeTiles()}): one thread, both alternated in one JVM (AVX-512
 * Xeon, medians of 10 rounds), 2048³ 148.9 → 156.1 GFLOP/s, 6304×768×3072 140.4 → 143.7, 4096×1024×4096 153.2 →
 * 161.5, 3000×1000×2048 148.3 → 159.5 (docs/results.md, session 39).
 */
public final class GemmPlan {
    static final int KC_MIN = 256, KC_MAX = 512, NC_MAX = 4096;
    /**
     * The tallest A block in Goto's order (B strips outer). Half of a 2 MiB L2 would give 1,024 rows at KC = 256; with
     * packed B on cache lines ({@link CacheLines}), one JVM alternating plans (AVX-512 Xeon, medians of 9 rounds, GFLOP/s),
     * MC 960 → 256: 1024³ 161 → 165 and 150 → 159 on one thread, 302 → 320 and 277 → 296 on two; 1024×4096×1024 140 →
     * 149 / 270 → 287; 768×768×3072 159 → 159 / 277 → 304; 3200×256×768 162 → 164 / 337 → 345; MC 128 within a percent of
     * 256, 384 between (docs/results.md, session 31). Machines with a smaller L2 keep half of it (Zen 3's 512 KiB at
     * KC 512: 125 rows of the 5×2 tile, as before).
     */
    static final int MC_MAX = 256;
    /**
     * The widest product that reads A in place where the tile's A strips have no register transpose (MR ≠ 8). AVX2 Zen 3,
     * one thread, both plans alternated in one JVM (medians of 40 rounds): N ≤ 64 gained 20–58% (3200×64×64 51–55 → 62–66
     * GFLOP/s, 3200×256×64 58–60 → 75, 250×250×32 46–49 → 72–77); N = 128–1024 moved −6% to +9%, 197×768×768 lost 9%
     * (docs/results.md). Tiles of MR = 8 read A in place only when asked (not measured).
     */
    static final int IN_PLACE_N = 64;
    /**
     * A thread's C of this many L2s or more runs A strips outer ({@link #rowsOuterC()}) when K spans several blocks. One
     * thread, both orders alternated in one JVM (medians of 5–7 rounds; AVX-512 Xeon, L2 2 MiB, 8×2 tile):
     * 6304×768×3072 122.8 → 145.7 GFLOP/s, 4096×1024×4096 112.6 → 139.8, 2048³ 124.0 → 139.5, 6304×768×768 139.2 →
     * 147.3 (C of 8–37 L2s); 1024³ 144.9 → 142.1 (2 L2s); 197×768×3072 135.5 → 133.4; and where K is one block (C only
     * written) 3072×256×768 161.0 → 147.5, 2048×128×128 170.3 → 163.2. On two threads (each a half of N) 6304×768×3072
     * 230.2 → 265.3, 2048³ 278.8 → 282.1, but 6304×768×768 284.5 → 268.9: a thread's C narrower than the panel of B
     * keeps B strips outer. On its AVX2 code path (-XX:UseAVX=2, 5×2 tile):
     * 2048³ 81.8 → 90.7, 6304×768×3072 85.4 → 87.7, 1024³ 95.8 → 91.7 (docs/results.md, session 28).
     */
    static final int ROWS_OUTER_L2S = 4;
    /**
     * The most floats of A that the A-strips-outer order packs at once (8 MiB: a thread's K block of A up to M = 8,192
     * at KC = 256), so that every panel of B reuses one packing of it ({@link #mcRows()}).
     */
    static final long ROWS_OUTER_A = 1L << 21;

    /** This machine's plan (with the -Delixr.gemm.* overrides applied). */
    public static final GemmPlan DEFAULT = forMachine(MachineProfile.current(), System.getProperties());

    private final MicroKernel kernel;
    private final int kc, mc, nc, inPlaceN, ncRows, mcRows;
    private final long rowsOuterC;
    private final WholeTiles wholeTiles;
    private final List<String> why;

    /**
     * The tile and blocks with which the A-strips-outer order computes its whole tiles ({@link #wholeTiles()}): a taller
     * tile than the plan's, with its own KC (its A strip in half of L1d) and the panel of B and block of A that KC gives.
     */
    public record WholeTiles(MicroKernel kernel, int kc, int nc, int mc) {
        @Override public String toString() { return kernel.name() + ", KC " + kc + ", MC " + mc + ", NC " + nc; }
    }

    private GemmPlan(MicroKernel kernel, int kc, int mc, int nc, List<String> why) {
        this(kernel, kc, mc, nc, 0, Long.MAX_VALUE, nc, mcRows(kernel, kc, mc), null, why);
    }

    private GemmPlan(MicroKernel kernel, int kc, int mc, int nc, int inPlaceN, long rowsOuterC, int ncRows, int mcRows,
                     WholeTiles wholeTiles, List<String> why) {
        if (kc < 1 || mc < 1 || nc < 1 || ncRows < 1 || mcRows < 1)
            throw new IllegalArgumentException("GEMM blocks must be positive: KC=" + kc + " MC=" + mc + " NC=" + nc + " NC (A strips outer)=" + ncRows
                    + " MC (A strips outer)=" + mcRows);
        if (wholeTiles != null && (wholeTiles.kernel().nr() != kernel.nr() || wholeTiles.kc() < 1 || wholeTiles.nc() < 1 || wholeTiles.mc() < 1))
            throw new IllegalArgumentException("the whole tiles of the A-strips-outer order need the plan's tile width ("
                    + kernel.nr() + " floats) and positive blocks: " + wholeTiles);
        this.wholeTiles = wholeTiles == null ? null : new WholeTiles(wholeTiles.kernel(), wholeTiles.kc(),
                (wholeTiles.nc() + kernel.nr() - 1) / kernel.nr() * kernel.nr(),
                (wholeTiles.mc() + wholeTiles.kernel().mr() - 1) / wholeTiles.kernel().mr() * wholeTiles.kernel().mr());
        this.kernel = kernel;
        this.kc = kc;
        this.mc = (mc + kernel.mr() - 1) / kernel.mr() * kernel.mr(); // not Sgemm.roundUp: Sgemm's initialisation reads DEFAULT
        this.nc = (nc + kernel.nr() - 1) / kernel.nr() * kernel.nr();
        this.inPlaceN = Math.max(0, inPlaceN);
        this.rowsOuterC = Math.max(0, rowsOuterC);
        this.ncRows = (ncRows + kernel.nr() - 1) / kernel.nr() * kernel.nr();
        this.mcRows = (mcRows + kernel.mr() - 1) / kernel.mr() * kernel.mr();
        this.why = List.copyOf(why);
    }

    /** This plan with products up to {@code n} columns wide reading a row-major heap A in place (0: never), for tests and benchmarks. */
    public GemmPlan withInPlaceN(int n) {
        List<String> w = new ArrayList<>(why);
        w.add("A in place up to N = " + n + ": given");
        return new GemmPlan(kernel, kc, mc, nc, n, rowsOuterC, ncRows, mcRows, wholeTiles, w);
    }

    /**
     * This plan with products over several K blocks whose thread's C has at least {@code floats} elements running A
     * strips outer, over panels of B {@code ncRows} wide ({@link #rowsOuterC()}; 0: every product over several K blocks,
     * {@link Long#MAX_VALUE}: none), for tests and benchmarks.
     */
    public GemmPlan withRowsOuter(long floats, int ncRows) {
        return withRowsOuter(floats, ncRows, mcRows);
    }

    /** As {@link #withRowsOuter(long, int)}, packing at most {@code mcRows} rows of A at a time in that order ({@link #mcRows()}). */
    public GemmPlan withRowsOuter(long floats, int ncRows, int mcRows) {
        List<String> w = new ArrayList<>(why);
        w.add("A strips outer from C of " + floats + " floats, NC " + ncRows + ", MC " + mcRows + ": given");
        return new GemmPlan(kernel, kc, mc, nc, inPlaceN, floats, ncRows, mcRows, wholeTiles, w);
    }

    /**
     * This plan with the A-strips-outer order's whole tiles computed by {@code tile} (as wide as the plan's) at KC
     * {@code kc}, over panels of B {@code nc} wide and blocks of A {@code mc} rows tall ({@link #wholeTiles()}; null
     * tile: the plan's own tile and blocks), for tests and benchmarks.
     */
    public GemmPlan withWholeTiles(MicroKernel tile, int tileKc, int tileNc, int tileMc) {
        List<String> w = new ArrayList<>(why);
        WholeTiles t = tile == null ? null : new WholeTiles(tile, tileKc, tileNc, tileMc);
        w.add("A strips outer, whole tiles: " + (t == null ? "the plan's tile" : t) + ": given");
        return new GemmPlan(kernel, kc, mc, nc, inPlaceN, rowsOuterC, ncRows, mcRows, t, w);
    }

    /** A plan with the given tile and blocks (MC and NC rounded up to whole tiles), for tests and benchmarks. */
    public static GemmPlan of(MicroKernel kernel, int kc, int mc, int nc) {
        return new GemmPlan(kernel, kc, mc, nc, List.of("tile " + kernel.name() + ", KC " + kc + ", MC " + mc + ", NC " + nc + ": given"));
    }

    /** The given tile with the blocks this machine would give it. */
    public static GemmPlan of(MicroKernel kernel) {
        MachineProfile m = MachineProfile.current();
        int kc = kc(m, kernel), mc = mc(m, kernel, kc), nc = nc(m, kernel, kc);
        return new GemmPlan(kernel, kc, mc, nc, 0, rowsOuterC(m), ncRows(m, kernel, kc), mcRows(kernel, kc, mc), null,
                List.of("tile " + kernel.name() + ": given; blocks and loop order from this machine's caches"));
    }

    /** The plan for a machine, with overrides from {@code props} (elixr.gemm.tile, .kc, .mc, .nc). */
    static GemmPlan forMachine(MachineProfile m, Properties props) {
        List<String> why = new ArrayList<>();
        String tile = props.getProperty("elixr.gemm.tile");
        MicroKernel k;
        if (tile != null && !tile.isBlank()) {
            k = MicroKernel.named(tile);
            why.add("tile " + k.name() + ": -Delixr.gemm.tile=" + tile.trim() + " (needs " + k.registers() + " vector registers, "
                    + m.registers() + " available)");
        } else {
            k = choose(m.registers());
            why.add("tile " + k.name() + ": the preferred tile that fits " + m.registers() + " vector registers (" + k.mr() + "·" + k.nv()
                    + " accumulators + " + k.nv() + " B vectors + 3 broadcasts in flight = " + k.registers() + ")");
        }
        int kc = override(props, "kc", kc(m, k), why,
                "the KC×NR strip of B (NR = " + k.nr() + " floats) in two thirds of L1d (" + MachineProfile.kib(m.l1d()) + "), kept within "
                        + KC_MIN + "-" + KC_MAX);
        int mc = override(props, "mc", mc(m, k, kc), why,
                "half of L2 (" + MachineProfile.kib(m.l2()) + ") holds the MC×KC block of A, at most " + MC_MAX + " rows");
        int nc = override(props, "nc", nc(m, k, kc), why, m.l3PerCore() > 0
                ? "half of a core's L3 share (" + MachineProfile.kib(m.l3PerCore()) + ") holds the KC×NC panel of B"
                : "no L3: the largest panel");
        // A in place runs Sgemm.ROWS, which needs this tile's strip width (two vectors): the tile itself, or the
        // two-vector tile that fits the machine when the tile is 5×2
        String rows = k.nv() == 2 && !(k instanceof Kernel5x2) ? k.name() : chooseTwoVectors(m.registers()).name();
        boolean packs = k.mr() == 8 || k.nv() != 2;
        int inPlace = override(props, "inPlaceN", packs ? 0 : IN_PLACE_N, why, k.mr() == 8
                ? "no product reads A in place (its " + k.name() + " strips are packed by register transposes)"
                : k.nv() != 2 ? "no product reads A in place (the in-place tiles are two vectors wide, " + k.name() + " is not)"
                : "products up to N = " + IN_PLACE_N + " (of one K block, overwriting C) read a row-major A in place with the " + rows + " tile: packing a "
                        + k.name() + " strip (no register transpose for MR = " + k.mr() + ") costs a cycle a float against N/(2·VL) cycles of FMAs");
        int rowsOuter = override(props, "rowsOuterC", (int) Math.min(Integer.MAX_VALUE, rowsOuterC(m)), why,
                "products over several K blocks whose thread's C has this many floats or more (" + ROWS_OUTER_L2S + " times L2), at least a panel wide, run A strips outer (the KC×NC panel of B in L2, C's tiles along its rows)");
        int ncRows = override(props, "ncRows", ncRows(m, k, kc), why,
                "half of L2 (" + MachineProfile.kib(m.l2()) + ") holds the KC×NC panel of B that A strips outer read");
        int mcRows = override(props, "mcRows", mcRows(k, kc, mc), why,
                "A strips outer pack a thread's K block of A once for all the panels of B, up to " + MachineProfile.kib(4L * ROWS_OUTER_A)
                        + " of it at a time");
        return new GemmPlan(k, kc, mc, nc, inPlace, rowsOuter, ncRows, mcRows, wholeTiles(m, k, mc, props, why), why);
    }

    /**
     * The A-strips-outer order's whole tiles: the tallest tile as wide as the plan's that fits the registers, if taller
     * than the plan's (12×2 for 8×2 on 32 registers; none on 16), with KC for its A strip in half of L1d, at most what
     * keeps a panel of 16 strips in half of L2; {@code -Delixr.gemm.wholeTiles=12x2|none} and {@code .wholeKc} override.
     */
    static WholeTiles wholeTiles(MachineProfile m, MicroKernel k, int mc, Properties props, List<String> why) {
        String v = props.getProperty("elixr.gemm.wholeTiles"), given = props.getProperty("elixr.gemm.tile");
        MicroKernel t = null;
        String reason;
        if (v != null && !v.isBlank()) {
            if (!v.trim().equalsIgnoreCase("none")) {
                t = MicroKernel.named(v);
                if (t.nr() != k.nr())
                    throw new IllegalArgumentException("-Delixr.gemm.wholeTiles=" + v.trim() + " is " + t.nr() + " floats wide; the plan's tile "
                            + k.name() + " is " + k.nr() + ": the two share the packed panels of B");
            }
            reason = "-Delixr.gemm.wholeTiles=" + v.trim();
        } else if (given != null && !given.isBlank()) {
            reason = "-Delixr.gemm.tile=" + given.trim() + " was given";
        } else {
            for (MicroKernel c : MicroKernel.variants())
                if (c.nv() == k.nv() && c.mr() > (t == null ? k.mr() : t.mr()) && c.registers() <= m.registers()) t = c;
            reason = t == null ? "no taller tile " + k.nr() + " floats wide fits " + m.registers() + " vector registers"
                    : "the tallest tile " + k.nr() + " floats wide that fits " + m.registers() + " vector registers (" + t.registers()
                    + "): " + t.nv() + " B vectors a k for " + t.mr() * t.nv() + " FMAs, against " + k.mr() * k.nv() + " with " + k.name();
        }
        if (t == null) {
            why.add("A strips outer, whole tiles: the plan's tile (" + reason + ")");
            return null;
        }
        List<String> kcWhy = new ArrayList<>();
        int kc = override(props, "wholeKc", wholeKc(m, t), kcWhy, "the " + t.mr() + "×KC strip of A in half of L1d ("
                + MachineProfile.kib(m.l1d()) + "), at most what keeps 16 strips of B in half of L2 (" + MachineProfile.kib(m.l2())
                + "), kept within " + KC_MIN + "-" + KC_MAX);
        WholeTiles w = new WholeTiles(t, kc, ncRows(m, t, kc), mcRows(t, kc, mc));
        why.add("A strips outer, whole tiles: " + w + " (" + reason + "; " + kcWhy.get(0) + ")");
        return w;
    }

    /** KC of {@link #wholeTiles}: the tile's A strip in half of L1d, 16 strips of B in half of L2 at most, within KC_MIN–KC_MAX. */
    static int wholeKc(MachineProfile m, MicroKernel t) {
        long kc = Math.min(m.l1d() / 2 / (4L * t.mr()), m.l2() / 2 / (4L * 16 * t.nr()));
        return (int) Math.max(KC_MIN, Math.min(KC_MAX, kc - kc % 16));
    }

    /** The preferred tile for a register count: 8×2 with 32, 5×2 with 16. */
    static MicroKernel choose(int registers) {
        return choose(registers, new String[] {"8x2", "6x2", "4x3", "5x2", "4x2"});
    }

    /** The preferred tile two vectors wide for A read in place (8×2 with 32 registers, 4×2 with 16): NR = 2·VL divides attention's key block. */
    static MicroKernel chooseTwoVectors(int registers) {
        return choose(registers, new String[] {"8x2", "6x2", "4x2"});
    }

    private static MicroKernel choose(int registers, String[] preferred) {
        for (String t : preferred) {
            MicroKernel k = MicroKernel.named(t);
            if (k.registers() <= registers) return k;
        }
        return MicroKernel.named("4x2"); // fewer than 13 registers: nothing fits; the smallest tile spills least
    }

    static int kc(MachineProfile m, MicroKernel k) {
        long kc = m.l1d() * 2 / 3 / (4L * k.nr());
        return (int) Math.max(KC_MIN, Math.min(KC_MAX, kc - kc % 16));
    }

    static int mc(MachineProfile m, MicroKernel k, int kc) {
        long mc = m.l2() / 2 / (4L * kc);
        return (int) Math.max(4L * k.mr(), Math.min(MC_MAX / k.mr() * k.mr(), mc - mc % k.mr()));
    }

    static int nc(MachineProfile m, MicroKernel k, int kc) {
        if (m.l3PerCore() <= 0) return NC_MAX / k.nr() * k.nr();
        long nc = m.l3PerCore() / 2 / (4L * kc);
        return (int) Math.max(16L * k.nr(), Math.min(NC_MAX / k.nr() * k.nr(), nc - nc % k.nr()));
    }

    /** Floats of a thread's C from which products over several K blocks run A strips outer: {@link #ROWS_OUTER_L2S} times L2. */
    static long rowsOuterC(MachineProfile m) { return ROWS_OUTER_L2S * m.l2() / 4; }

    /** MC of the A-strips-outer order: {@link #ROWS_OUTER_A} floats of A at KC, at least MC, in whole tiles. */
    static int mcRows(MicroKernel k, int kc, int mc) {
        long rows = Math.max(mc, ROWS_OUTER_A / kc);
        return (int) Math.min(Integer.MAX_VALUE / 2, rows - rows % k.mr());
    }

    /** NC of the A-strips-outer order: the KC×NC panel of B in half of L2, clamped to 16·NR–NC_MAX. */
    static int ncRows(MachineProfile m, MicroKernel k, int kc) {
        long nc = m.l2() / 2 / (4L * kc);
        return (int) Math.max(16L * k.nr(), Math.min(NC_MAX / k.nr() * k.nr(), nc - nc % k.nr()));
    }

    private static int override(Properties props, String name, int computed, List<String> why, String rule) {
        String v = props.getProperty("elixr.gemm." + name);
        String label = switch (name) {
            case "inPlaceN" -> "A in place up to N =";
            case "rowsOuterC" -> "A strips outer from C floats =";
            case "ncRows" -> "NC (A strips outer)";
            case "mcRows" -> "MC (A strips outer)";
            case "wholeKc" -> "KC (A strips outer, whole tiles)";
            default -> name.toUpperCase(java.util.Locale.ROOT);
        };
        if (v == null || v.isBlank()) {
            why.add(label + " " + computed + ": " + rule);
            return computed;
        }
        try {
            int x = Integer.parseInt(v.trim());
            boolean count = name.equals("inPlaceN") || name.equals("rowsOuterC");
            if (x >= (count ? 0 : 1)) {
                why.add(label + " " + x + ": -Delixr.gemm." + name + "=" + v.trim() + (count ? " (the default would be " : " (the caches would give ")
                        + computed + ")");
                return x;
            }
        } catch (NumberFormatException ignored) {
            // the error below names the property
        }
        throw new IllegalArgumentException("-Delixr.gemm." + name + "='" + v + "' is not a "
                + (name.equals("inPlaceN") ? "width (0 or more)" : name.equals("rowsOuterC") ? "float count (0 or more)" : "positive block size"));
    }

    public MicroKernel kernel() { return kernel; }

    /** Tile rows. */
    public int mr() { return kernel.mr(); }

    /** Tile columns in floats. */
    public int nr() { return kernel.nr(); }

    public int kc() { return kc; }

    public int mc() { return mc; }

    public int nc() { return nc; }

    /**
     * Products with op(B) at most this many columns wide (the columns one thread computes: each thread would pack its
     * own copy of A) read a row-major heap A in place with the two-vector tile of {@link Sgemm}'s ROWS instead of packing
     * it (0: none); {@code -Delixr.gemm.inPlaceN} overrides. Only products of one K block (K ≤ KC) that overwrite C
     * (beta 0) do: there the sums are the packed tile's bits (each element's FMA chain runs over k in order from zero),
     * so a product takes the same bits whichever path its thread's columns choose, and so on any thread count.
     */
    public int inPlaceN() { return inPlaceN; }

    /**
     * Products over several K blocks whose thread computes a block of C of at least this many floats, at least
     * {@link #ncRows()} columns wide, run the macro-kernel with A strips outer: each packed MR×KC strip of A stays in L1 while the micro-kernel walks the KC×NC
     * panel of B ({@link #ncRows()} wide, in L2) strip by strip, so that C's tiles, loaded again for every K block after
     * the first, are visited along C's rows, where the hardware prefetcher follows them. Otherwise B strips outer
     * (Goto's order: a KC×NR strip of B in L1 across the MC×KC block of A in L2, C's tiles visited down a column strip,
     * a new page every row: cheaper where C stays in cache or is only written). {@code -Delixr.gemm.rowsOuterC}
     * overrides. Either order computes every element as the same FMA chain: the bits do not depend on it.
     */
    public long rowsOuterC() { return rowsOuterC; }

    /** NC when A strips are outer: the KC×NC panel of B in half of L2 ({@code -Delixr.gemm.ncRows}). */
    public int ncRows() { return ncRows; }

    /**
     * MC when A strips are outer: rows of a thread's K block of A packed at once and walked against every panel of B
     * ({@code -Delixr.gemm.mcRows}; see {@link Sgemm}'s A-strips-outer loop).
     */
    public int mcRows() { return mcRows; }

    /**
     * The tile and blocks of the A-strips-outer order's whole tiles, or null for the plan's own. {@link Sgemm} gives them
     * the rows of a product whose tiles are whole in both tiles (multiples of both heights, every column strip whole) when
     * alpha = 1 and beta is 0 or 1: there each element is one FMA chain over k from 0 or from C whatever the tile and
     * KC, so the bits are those of the plan's tile (and so the same on any thread count). Other products and the rows
     * left over take the plan's tile and KC.
     */
    public WholeTiles wholeTiles() { return wholeTiles; }

    /** One line per choice: what was chosen and why. */
    public List<String> why() { return why; }

    /** e.g. "tile 6x2 (6×16 floats), KC 256, MC 240, NC 4096". */
    @Override
    public String toString() {
        return "tile " + kernel + ", KC " + kc + ", MC " + mc + ", NC " + nc
                + (rowsOuterC == Long.MAX_VALUE ? "" : ", A strips outer from C of " + rowsOuterC + " floats (MC " + mcRows + ", NC " + ncRows
                + (wholeTiles == null ? "" : "; whole tiles " + wholeTiles) + ")");
    }
}
