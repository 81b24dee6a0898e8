package dev.elixr.tensor.cpu;

import org.junit.jupiter.api.Test;

import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GemmPlan}'s choices from a {@link MachineProfile} (synthetic machines, so any machine checks them all) and its overrides. */
class GemmPlanTest {
    static final MachineProfile ZEN3 = new MachineProfile("AVX2+FMA", 256, 16, "test", 32 << 10, 512 << 10, 4 << 20, "test");
    static final MachineProfile ZEN5 = new MachineProfile("AVX-512", 512, 32, "test", 48 << 10, 1 << 20, 4 << 20, "test");

    @Test
    void sixteenRegistersGiveTheFiveByTwoTileAndThirtyTwoTheEightByTwo() {
        assertEquals("5x2", GemmPlan.forMachine(ZEN3, new Properties()).kernel().name());
        assertEquals("8x2", GemmPlan.forMachine(ZEN5, new Properties()).kernel().name());
    }

    @Test
    void theFiveByTwoTileReadsANarrowProductsAInPlaceAndTheEightByTwoPacksIt() {
        assertEquals(GemmPlan.IN_PLACE_N, GemmPlan.forMachine(ZEN3, new Properties()).inPlaceN());
        assertEquals(0, GemmPlan.forMachine(ZEN5, new Properties()).inPlaceN());
        Properties off = new Properties();
        off.setProperty("elixr.gemm.inPlaceN", "0");
        assertEquals(0, GemmPlan.forMachine(ZEN3, off).inPlaceN());
        Properties wide = new Properties();
        wide.setProperty("elixr.gemm.tile", "4x3");
        assertEquals(0, GemmPlan.forMachine(ZEN3, wide).inPlaceN(), "three-vector strips: the two-vector in-place tile cannot read them");
        assertEquals(0, GemmPlan.of(MicroKernel.named("5x2"), 64, 10, 32).inPlaceN(), "a given plan packs A unless asked");
        assertEquals(96, GemmPlan.of(MicroKernel.named("5x2"), 64, 10, 32).withInPlaceN(96).inPlaceN());
    }

    @Test
    void everyTileCountsItsRegistersAndTheChosenOneFits() {
        for (MicroKernel k : MicroKernel.variants()) assertEquals(k.mr() * k.nv() + k.nv() + 3, k.registers(), k.name());
        assertEquals(13, MicroKernel.named("4x2").registers());
        assertEquals(15, MicroKernel.named("5x2").registers());
        assertEquals(17, MicroKernel.named("6x2").registers());
        assertEquals(18, MicroKernel.named("4x3").registers());
        assertTrue(MicroKernel.named("8x2").registers() > 16, "8x2 spills on 16 registers");
        assertTrue(MicroKernel.named("8x2").registers() <= 32, "8x2 fits 32 registers");
        for (int regs : new int[] {16, 32}) assertTrue(GemmPlan.choose(regs).registers() <= regs, regs + " registers");
    }

    /** KC·NR fills at most two thirds of L1 (unless clamped), MC·KC at most half of L2, KC·NC at most half of the L3 share (unless clamped), all whole tiles. */
    @Test
    void blocksFollowTheCacheModel() {
        for (MachineProfile m : new MachineProfile[] {ZEN3, ZEN5}) {
            for (MicroKernel k : MicroKernel.variants()) {
                int kc = GemmPlan.kc(m, k), mc = GemmPlan.mc(m, k, kc), nc = GemmPlan.nc(m, k, kc);
                String at = k.name() + " on " + m.isa();
                assertTrue(kc >= GemmPlan.KC_MIN && kc <= GemmPlan.KC_MAX, at + ": KC " + kc);
                assertTrue(kc == GemmPlan.KC_MIN || 4L * kc * k.nr() <= m.l1d() * 2 / 3, at + ": KC " + kc);
                assertTrue(4L * mc * kc <= m.l2() / 2 || mc == 4 * k.mr(), at + ": MC " + mc);
                assertTrue(4L * nc * kc <= m.l3PerCore() / 2 || nc == 16 * k.nr(), at + ": NC " + nc);
                assertEquals(0, mc % k.mr(), at);
                assertEquals(0, nc % k.nr(), at);
            }
        }
        GemmPlan zen3 = GemmPlan.forMachine(ZEN3, new Properties());
        assertEquals(Math.clamp(32 * 1024 * 2 / 3 / (4 * zen3.nr()) / 16 * 16, GemmPlan.KC_MIN, GemmPlan.KC_MAX), zen3.kc(),
                "KC of the 5x2 tile with 32 KiB of L1 (336 at 256-bit vectors: a 21 KiB strip, two thirds of L1)");
        GemmPlan zen5 = GemmPlan.forMachine(ZEN5, new Properties());
        if (zen5.nr() == 32) assertEquals(256, zen5.kc(), "KC of the 8x2 tile at 512-bit vectors with 48 KiB of L1: 256 as before");
    }

    /** MC is half of L2 up to {@link GemmPlan#MC_MAX} = 256 rows: a 2 MiB L2 is capped, Zen 3's 512 KiB keeps its half. */
    @Test
    void mcIsHalfOfL2UpTo256Rows() {
        MachineProfile xeon = new MachineProfile("AVX-512", 512, 32, "test", 48 << 10, 2 << 20, 240 << 20, "test");
        MicroKernel k8x2 = MicroKernel.named("8x2"), k5x2 = MicroKernel.named("5x2");
        assertEquals(256, GemmPlan.mc(xeon, k8x2, 256), "half of 2 MiB would be 1,024 rows at KC 256");
        assertEquals(125, GemmPlan.mc(ZEN3, k5x2, 512), "half of 512 KiB at KC 512: 128 rows, 125 in whole 5-row tiles, under the cap");
        assertEquals(255, GemmPlan.mc(xeon, k5x2, 512), "the cap in whole 5-row tiles");
    }

    /**
     * A C of four L2s or more runs A strips outer over a panel of B in half of L2, packing up to 8 MiB of A's K block at
     * once; a plan given by hand never does unless asked.
     */
    @Test
    void largeProductsRunAStripsOuterOverAPanelOfBInHalfOfL2() {
        for (MachineProfile m : new MachineProfile[] {ZEN3, ZEN5}) {
            GemmPlan plan = GemmPlan.forMachine(m, new Properties());
            assertEquals(4 * m.l2() / 4, plan.rowsOuterC(), m.isa() + ": four L2s of floats");
            assertTrue(4L * plan.ncRows() * plan.kc() <= m.l2() / 2 || plan.ncRows() == 16 * plan.nr(), m.isa() + ": NC " + plan.ncRows());
            assertEquals(0, plan.ncRows() % plan.nr(), m.isa());
            assertEquals((1 << 21) / plan.kc() / plan.mr() * plan.mr(), plan.mcRows(), m.isa() + ": 8 MiB of A at KC " + plan.kc());
        }
        assertEquals(Long.MAX_VALUE, GemmPlan.of(MicroKernel.named("8x2"), 64, 16, 64).rowsOuterC());
        assertEquals(100, GemmPlan.of(MicroKernel.named("8x2"), 64, 16, 64).withRowsOuter(100, 64).rowsOuterC());
    }

    /**
     * The A-strips-outer order's whole tiles: the tallest tile as wide as the plan's that fits the registers (12×2 beside
     * 8×2 on 32; none on 16), KC from L1d and L2; none when the tile is given; overridable, a tile of another width refused.
     */
    @Test
    void wholeTilesAreTheTallestTileOfThePlansWidthThatFitsTheRegisters() {
        MachineProfile xeon = new MachineProfile("AVX-512", 512, 32, "test", 48 << 10, 2 << 20, 240 << 20, "test");
        GemmPlan.WholeTiles w = GemmPlan.forMachine(xeon, new Properties()).wholeTiles();
        assertEquals("12x2", w.kernel().name());
        assertEquals(512, w.kc(), "a 12×512 strip of A is half of 48 KiB; 16 strips of B at KC 512 are half of 2 MiB");
        assertEquals(512, w.nc(), "the KC×NC panel of B in half of L2");
        assertEquals((1 << 21) / 512 / 12 * 12, w.mc(), "8 MiB of A at KC 512 in whole 12-row tiles");
        GemmPlan zen5 = GemmPlan.forMachine(ZEN5, new Properties());
        int kc5 = zen5.wholeTiles().kc();
        assertTrue(4L * 16 * zen5.nr() * kc5 <= ZEN5.l2() / 2 && 4L * 12 * kc5 <= ZEN5.l1d() / 2, "1 MiB of L2: KC " + kc5 + " for strips of " + zen5.nr());
        assertNull(GemmPlan.forMachine(ZEN3, new Properties()).wholeTiles(), "no taller tile 2 vectors wide fits 16 registers");
        Properties none = new Properties();
        none.setProperty("elixr.gemm.wholeTiles", "none");
        assertNull(GemmPlan.forMachine(xeon, none).wholeTiles());
        Properties tile = new Properties();
        tile.setProperty("elixr.gemm.tile", "8x2");
        assertNull(GemmPlan.forMachine(xeon, tile).wholeTiles(), "a given tile runs alone unless whole tiles are given too");
        Properties kc = new Properties();
        kc.setProperty("elixr.gemm.wholeKc", "384");
        GemmPlan p = GemmPlan.forMachine(xeon, kc);
        assertEquals(384, p.wholeTiles().kc());
        assertTrue(p.why().stream().anyMatch(l -> l.contains("whole tiles") && l.contains("-Delixr.gemm.wholeKc=384")), p.why().toString());
        Properties wide = new Properties();
        wide.setProperty("elixr.gemm.wholeTiles", "8x3");
        var e = assertThrows(IllegalArgumentException.class, () -> GemmPlan.forMachine(xeon, wide));
        assertTrue(e.getMessage().contains("wholeTiles=8x3") && e.getMessage().contains("wide"), e.getMessage());
    }

    @Test
    void everyChoiceCanBeOverriddenAndSaysSo() {
        Properties p = new Properties();
        p.setProperty("elixr.gemm.tile", "4x3");
        p.setProperty("elixr.gemm.kc", "100");
        p.setProperty("elixr.gemm.mc", "30");
        p.setProperty("elixr.gemm.nc", "1000");
        p.setProperty("elixr.gemm.inPlaceN", "128");
        p.setProperty("elixr.gemm.rowsOuterC", "0");
        p.setProperty("elixr.gemm.ncRows", "200");
        p.setProperty("elixr.gemm.mcRows", "50");
        GemmPlan plan = GemmPlan.forMachine(ZEN5, p);
        assertEquals(52, plan.mcRows(), "MC (A strips outer) rounded up to whole tiles of 4 rows");
        assertEquals(128, plan.inPlaceN());
        assertEquals(0, plan.rowsOuterC());
        assertEquals(Sgemm.roundUp(200, plan.nr()), plan.ncRows());
        assertEquals("4x3", plan.kernel().name());
        assertEquals(100, plan.kc());
        assertEquals(32, plan.mc(), "MC rounded up to whole tiles of 4 rows");
        assertEquals(Sgemm.roundUp(1000, plan.nr()), plan.nc());
        assertTrue(plan.why().stream().allMatch(w -> w.contains("-Delixr.gemm.")), plan.why().toString());
        assertTrue(GemmPlan.forMachine(ZEN3, new Properties()).why().stream().noneMatch(w -> w.contains("-Delixr.gemm.")));
    }

    @Test
    void badOverridesGiveClearErrors() {
        Properties p = new Properties();
        p.setProperty("elixr.gemm.tile", "7x7");
        var e = assertThrows(IllegalArgumentException.class, () -> GemmPlan.forMachine(ZEN3, p));
        assertTrue(e.getMessage().contains("7x7") && e.getMessage().contains("6x2"), e.getMessage());
        Properties q = new Properties();
        q.setProperty("elixr.gemm.kc", "-3");
        e = assertThrows(IllegalArgumentException.class, () -> GemmPlan.forMachine(ZEN3, q));
        assertTrue(e.getMessage().contains("elixr.gemm.kc"), e.getMessage());
        Properties w = new Properties();
        w.setProperty("elixr.gemm.inPlaceN", "-1");
        e = assertThrows(IllegalArgumentException.class, () -> GemmPlan.forMachine(ZEN3, w));
        assertTrue(e.getMessage().contains("elixr.gemm.inPlaceN") && e.getMessage().contains("0 or more"), e.getMessage());
        Properties ro = new Properties();
        ro.setProperty("elixr.gemm.rowsOuterC", "large");
        e = assertThrows(IllegalArgumentException.class, () -> GemmPlan.forMachine(ZEN3, ro));
        assertTrue(e.getMessage().contains("elixr.gemm.rowsOuterC") && e.getMessage().contains("float count"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MachineProfile.parseRegisters("lots"));
        assertTrue(e.getMessage().contains("elixr.gemm.registers"), e.getMessage());
    }

    @Test
    void machineFactsAreParsedFromWhatLinuxPrints() {
        assertEquals(48 << 10, MachineProfile.parseSize("48K"));
        assertEquals(2 << 20, MachineProfile.parseSize("2048K\n"));
        assertEquals(1 << 20, MachineProfile.parseSize("1M"));
        assertEquals(-1, MachineProfile.parseSize(""));
        assertEquals(4, MachineProfile.countCpus("0-1,8-9\n"));
        assertEquals(1, MachineProfile.countCpus("3"));
        Set<String> f = MachineProfile.cpuFlags("processor\t: 0\nflags\t\t: fpu avx avx2 fma avx512f\nbugs\t: x\n");
        assertTrue(f.containsAll(Set.of("avx2", "fma", "avx512f")), f.toString());
        assertTrue(MachineProfile.cpuFlags("Features\t: fp asimd sve\n").contains("asimd"));
        assertTrue(MachineProfile.cpuFlags("no flags here").isEmpty());
    }

    @Test
    void thisMachinesPlanExplainsEveryChoice() {
        GemmPlan plan = GemmPlan.DEFAULT;
        assertEquals(9, plan.why().size(), plan.why().toString()); // tile, KC, MC, NC, A in place, A strips outer, their NC, MC and whole tiles
        assertTrue(plan.why().get(0).startsWith("tile " + plan.kernel().name()), plan.why().get(0));
        MachineProfile m = MachineProfile.current();
        assertEquals(Simd.species().vectorBitSize(), m.speciesBits());
        assertFalse(m.isa().isBlank());
        if (System.getProperty("elixr.gemm.tile") == null) assertTrue(plan.kernel().registers() <= m.registers(), plan + " on " + m);
    }
}
