package dev.elixr.tensor.cpu;

import dev.elixr.tensor.backend.Conv2dParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DepthwiseConv}'s stride-1 planes (no dilation, 3×3 or 5×KW filters, OH ≥ 7, rows at least three quarters of
 * a vector wide): blocks of a few output rows × one vector, whose shape follows the vector registers a kernel may hold
 * ({@link #rows3}).
 * <ul>
 *   <li>Seven rows ({@link #block3}, {@link #block5}): input row r of a block feeds output row r − ky with weight
 *       (ky, kx), so each padded input vector is loaded once per filter column and serves up to KH output rows: per
 *       filter column, 3×3 takes 9 loads and 3 broadcasts for 21 FMAs, 5×5 11 loads and 5 broadcasts for 35 FMAs, with
 *       7 accumulators + KH weights + the row in flight (13 vectors). Each output is summed kx by kx, ky within. Every
 *       5×KW plane, and 3×3 ones with 32 vector registers (AVX-512, where holding all nine 3×3 weights gained nothing
 *       measurable). With 32 registers a 5×KW block spans two vectors of the row ({@link #block5x2}, 14 accumulators;
 *       {@link #vectors5}).</li>
 *   <li>Four rows with the nine 3×3 weights in registers for the whole plane ({@link #plane3}; with 16 vector registers:
 *       AVX2): the input streamed row by row, each row's three tap vectors behind one range check, each output summed ky
 *       by ky, kx within. Seven rows spent more of their time on range checks and spilled indices (C2 checks each
 *       vector load; 27 loads a block, each index its own) than on FMAs.</li>
 * </ul>
 * Either way the order of an output's sum is the same for every output: the bits depend on neither the block nor the
 * thread. Seven and four rows divide all of EfficientNet's planes (112, 56, 28, 14, 7 for seven; all but 7 for four);
 * columns x0 = i·VL, the last moved back to end at OW; the last block of rows moved back to end at OH; overlaps are
 * recomputed with the same bits. Rows narrower than a vector (14 on 16 lanes) take one vector per row, stored under a
 * mask of the first OW lanes (the other lanes read cells of the next padded row and are dropped). Results are scaled
 * and shifted in registers on their way into the output; the activation then runs over the plane while it is still in
 * L1/L2.
 *
 * <p>The padded plane is filled lazily: before a block, only the input rows it newly reaches are copied into the
 * zero-padded scratch (padding cells stay zero from its allocation), so the input's reads from memory are spread
 * through the FMAs instead of stalling a copy of the whole plane up front.
 */
final class DepthwiseColumns {
    private static final VectorSpecies<Float> S = Simd.F;
    private static final int VL = S.length(), ROWS = 7;

    /**
     * Output rows a block of a 3×3 plane: 4 ({@link #plane3}: the nine weights held in registers beside four
     * accumulators) where a kernel may hold 16 vector registers (AVX2, SSE), 7 ({@link #block3}: the weights of one
     * filter column broadcast a block) with 32 (AVX-512, AArch64), where seven rows were measured and nine weights
     * held for the plane gained nothing. {@code -Delixr.depthwise.rows3=4|7} overrides; the tests run both.
     */
    static volatile int rows3 = rows3(System.getProperty("elixr.depthwise.rows3"), MachineProfile.current().registers());

    static int rows3(String forced, int registers) {
        if (forced == null) return registers < 32 ? 4 : 7;
        if (!forced.trim().equals("4") && !forced.trim().equals("7"))
            throw new IllegalArgumentException("elixr.depthwise.rows3: '" + forced + "' is not 4 or 7");
        return Integer.parseInt(forced.trim());
    }

    /**
     * Vectors a row a block of a 5×KW plane: 2 ({@link #block5x2}: 14 accumulators) with 32 vector registers (AVX-512,
     * AArch64), 1 ({@link #block5}: 7) with 16, where fourteen would spill. Rows of one vector or less always take
     * {@link #block5}. {@code -Delixr.depthwise.vectors5=1|2} overrides; the tests run both.
     */
    static volatile int vectors5 = vectors5(System.getProperty("elixr.depthwise.vectors5"), MachineProfile.current().registers());

    static int vectors5(String forced, int registers) {
        if (forced == null) return registers < 32 ? 1 : 2;
        if (!forced.trim().equals("1") && !forced.trim().equals("2"))
            throw new IllegalArgumentException("elixr.depthwise.vectors5: '" + forced + "' is not 1 or 2");
        return Integer.parseInt(forced.trim());
    }

    /** The block shapes in use and why, for {@code elixr info}. */
    static String describe() {
        int registers = MachineProfile.current().registers();
        return "stride-1 blocks: 3×3 " + (rows3 == 4 ? "4 rows × 1 vector, the nine weights in registers" : "7 rows × 1 vector")
                + ", 5×KW 7 rows × " + vectors5 + (vectors5 == 1 ? " vector" : " vectors") + " (" + registers
                + " vector registers; -Delixr.depthwise.rows3=4|7, -Delixr.depthwise.vectors5=1|2)";
    }

    private DepthwiseColumns() {}

    /**
     * True when this kernel computes the plane: stride 1, no dilation, 3×3 or 5×KW, OH ≥ 7, and rows that fill at least
     * three quarters of a vector (OW ≥ 0.75·VL: 14×14 planes on 16 lanes; narrower rows than a vector are computed one
     * vector per row and stored under a mask, the lanes past OW reading cells of the next padded row and dropped).
     */
    static boolean applies(int kh, int kw, int oh, int ow, Conv2dParams p) {
        return 4 * ow >= 3 * VL && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1 && p.dilationW() == 1
                && ((kh == 3 && kw == 3) || kh == 5) && oh >= ROWS;
    }

    /**
     * One output plane into out[dst]: filter at wt[wOff] (KH×KW), the input plane at x[xOff] padded into buf (q's
     * single phase). fill: copy the input rows into buf as the blocks reach them (the channel's first filter);
     * otherwise buf already holds the whole padded plane.
     */
    static void plane(float[] x, int xOff, DepthwiseConv.Phases q, boolean fill, float[] buf, float[] wt, int wOff,
                      int kh, int kw, int oh, int ow, ConvEpilogue ep, int oc, float[] out, int dst) {
        if (kh == 3 && rows3 == 4) {
            plane3(x, xOff, q, fill, buf, wt, wOff, oh, ow, ep, oc, out, dst);
            return;
        }
        int rows = ROWS, filled = fill ? 0 : q.h();
        float scale = ep.scaleAt(oc), shift = ep.shiftAt(oc);
        for (int y = 0; y < oh; y += rows) {
            int ya = Math.min(y, oh - rows), reach = Math.min(q.h(), ya + rows + kh - 1 - q.ph());
            if (reach > filled) {
                q.padRows(x, xOff, buf, filled, reach);
                filled = reach;
            }
            if (kh == 3) block3(buf, wt, wOff, q.wq(), ya, ow, scale, shift, out, dst);
            else if (vectors5 == 2 && ow > VL) block5x2(buf, wt, wOff, kw, q.wq(), ya, ow, scale, shift, out, dst);
            else block5(buf, wt, wOff, kw, q.wq(), ya, ow, scale, shift, out, dst);
        }
        ep.activate(out, dst, oh * ow); // the plane is still in L1/L2
    }

    /**
     * A 3×3 plane: blocks of 4 output rows × one vector, the nine weights held in registers for the whole plane (with 4
     * accumulators, one input vector and the scale and shift: AVX2's 16), the padded input streamed row by row: each
     * row's three tap vectors share one range check and feed the output rows they reach. Each output is summed ky by
     * ky, kx within (the plain loop's order). Fewer loads, range checks and broadcasts a FMA than {@link #block3}'s seven
     * rows: on {@code bench ops}' depthwise 3×3 shape [16,144,56,56], AVX2 (Zen 3), timed alone in a scratch harness,
     * best of three alternated runs each: one thread 5.3–6.1 ms against 6.1–6.6, two threads 2.58–2.62 against
     * 3.15–3.30 (56×56 planes in L3: 2.1 µs a plane against 2.5).
     */
    private static void plane3(float[] x, int xOff, DepthwiseConv.Phases q, boolean fill, float[] buf, float[] wt, int wOff,
                               int oh, int ow, ConvEpilogue ep, int oc, float[] out, int dst) {
        int rows = 4, wq = q.wq(), filled = fill ? 0 : q.h(), last = Math.max(0, ow - VL);
        boolean narrow = ow < VL; // one vector per row, stored under the mask of its first OW lanes
        FloatVector w00 = FloatVector.broadcast(S, wt[wOff]), w01 = FloatVector.broadcast(S, wt[wOff + 1]), w02 = FloatVector.broadcast(S, wt[wOff + 2]);
        FloatVector w10 = FloatVector.broadcast(S, wt[wOff + 3]), w11 = FloatVector.broadcast(S, wt[wOff + 4]), w12 = FloatVector.broadcast(S, wt[wOff + 5]);
        FloatVector w20 = FloatVector.broadcast(S, wt[wOff + 6]), w21 = FloatVector.broadcast(S, wt[wOff + 7]), w22 = FloatVector.broadcast(S, wt[wOff + 8]);
        FloatVector sv = FloatVector.broadcast(S, ep.scaleAt(oc)), bv = FloatVector.broadcast(S, ep.shiftAt(oc));
        for (int y = 0; y < oh; y += rows) {
            int ya = Math.min(y, oh - rows), reach = Math.min(q.h(), ya + rows + 2 - q.ph());
            if (reach > filled) {
                q.padRows(x, xOff, buf, filled, reach);
                filled = reach;
            }
            for (int x0 = 0; ; x0 += VL) {
                int xa = Math.min(x0, last), d = ya * wq + xa;
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, r;
                // padded input row ya + 0
                r = FloatVector.fromArray(S, buf, d);
                a0 = r.fma(w00, a0);
                r = FloatVector.fromArray(S, buf, d + 1);
                a0 = r.fma(w01, a0);
                r = FloatVector.fromArray(S, buf, d + 2);
                a0 = r.fma(w02, a0);
                // padded input row ya + 1
                r = FloatVector.fromArray(S, buf, d + wq);
                a0 = r.fma(w10, a0);
                a1 = r.fma(w00, a1);
                r = FloatVector.fromArray(S, buf, d + wq + 1);
                a0 = r.fma(w11, a0);
                a1 = r.fma(w01, a1);
                r = FloatVector.fromArray(S, buf, d + wq + 2);
                a0 = r.fma(w12, a0);
                a1 = r.fma(w02, a1);
                // padded input row ya + 2
                r = FloatVector.fromArray(S, buf, d + 2 * wq);
                a0 = r.fma(w20, a0);
                a1 = r.fma(w10, a1);
                a2 = r.fma(w00, a2);
                r = FloatVector.fromArray(S, buf, d + 2 * wq + 1);
                a0 = r.fma(w21, a0);
                a1 = r.fma(w11, a1);
                a2 = r.fma(w01, a2);
                r = FloatVector.fromArray(S, buf, d + 2 * wq + 2);
                a0 = r.fma(w22, a0);
                a1 = r.fma(w12, a1);
                a2 = r.fma(w02, a2);
                // padded input row ya + 3
                r = FloatVector.fromArray(S, buf, d + 3 * wq);
                a1 = r.fma(w20, a1);
                a2 = r.fma(w10, a2);
                a3 = r.fma(w00, a3);
                r = FloatVector.fromArray(S, buf, d + 3 * wq + 1);
                a1 = r.fma(w21, a1);
                a2 = r.fma(w11, a2);
                a3 = r.fma(w01, a3);
                r = FloatVector.fromArray(S, buf, d + 3 * wq + 2);
                a1 = r.fma(w22, a1);
                a2 = r.fma(w12, a2);
                a3 = r.fma(w02, a3);
                // padded input row ya + 4
                r = FloatVector.fromArray(S, buf, d + 4 * wq);
                a2 = r.fma(w20, a2);
                a3 = r.fma(w10, a3);
                r = FloatVector.fromArray(S, buf, d + 4 * wq + 1);
                a2 = r.fma(w21, a2);
                a3 = r.fma(w11, a3);
                r = FloatVector.fromArray(S, buf, d + 4 * wq + 2);
                a2 = r.fma(w22, a2);
                a3 = r.fma(w12, a3);
                // padded input row ya + 5
                r = FloatVector.fromArray(S, buf, d + 5 * wq);
                a3 = r.fma(w20, a3);
                r = FloatVector.fromArray(S, buf, d + 5 * wq + 1);
                a3 = r.fma(w21, a3);
                r = FloatVector.fromArray(S, buf, d + 5 * wq + 2);
                a3 = r.fma(w22, a3);
                int o = dst + ya * ow + xa;
                if (narrow) {
                    VectorMask<Float> tail = S.indexInRange(0, ow);
                    a0.fma(sv, bv).intoArray(out, o, tail);
                    a1.fma(sv, bv).intoArray(out, o + ow, tail);
                    a2.fma(sv, bv).intoArray(out, o + 2 * ow, tail);
                    a3.fma(sv, bv).intoArray(out, o + 3 * ow, tail);
                    break;
                }
                a0.fma(sv, bv).intoArray(out, o);
                a1.fma(sv, bv).intoArray(out, o + ow);
                a2.fma(sv, bv).intoArray(out, o + 2 * ow);
                a3.fma(sv, bv).intoArray(out, o + 3 * ow);
                if (xa == last) break;
            }
        }
        ep.activate(out, dst, oh * ow); // the plane is still in L1/L2
    }

    /** Output rows ya..ya+6 of a 3×3 filter, every vector of the row; a filter column's three weights broadcast once. */
    private static void block3(float[] buf, float[] wt, int wOff, int wq, int ya, int ow,
                               float scale, float shift, float[] out, int dst) {
        // vectors made here, not passed in: a FloatVector parameter's exact class is unknown to C2 (no intrinsics)
        FloatVector sv = FloatVector.broadcast(S, scale), bv = FloatVector.broadcast(S, shift);
        boolean narrow = ow < VL; // one vector per row, stored under the mask of its first OW lanes
        int last = Math.max(0, ow - VL);
        for (int x0 = 0; ; x0 += VL) {
            int xa = Math.min(x0, last), d = ya * wq + xa;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, r;
            // filter column 0
            FloatVector u00 = FloatVector.broadcast(S, wt[wOff + 0]), u10 = FloatVector.broadcast(S, wt[wOff + 3]), u20 = FloatVector.broadcast(S, wt[wOff + 6]);
            r = FloatVector.fromArray(S, buf, d);
            a0 = r.fma(u00, a0);
            r = FloatVector.fromArray(S, buf, d + wq);
            a1 = r.fma(u00, a1);
            a0 = r.fma(u10, a0);
            r = FloatVector.fromArray(S, buf, d + 2 * wq);
            a2 = r.fma(u00, a2);
            a1 = r.fma(u10, a1);
            a0 = r.fma(u20, a0);
            r = FloatVector.fromArray(S, buf, d + 3 * wq);
            a3 = r.fma(u00, a3);
            a2 = r.fma(u10, a2);
            a1 = r.fma(u20, a1);
            r = FloatVector.fromArray(S, buf, d + 4 * wq);
            a4 = r.fma(u00, a4);
            a3 = r.fma(u10, a3);
            a2 = r.fma(u20, a2);
            r = FloatVector.fromArray(S, buf, d + 5 * wq);
            a5 = r.fma(u00, a5);
            a4 = r.fma(u10, a4);
            a3 = r.fma(u20, a3);
            r = FloatVector.fromArray(S, buf, d + 6 * wq);
            a6 = r.fma(u00, a6);
            a5 = r.fma(u10, a5);
            a4 = r.fma(u20, a4);
            r = FloatVector.fromArray(S, buf, d + 7 * wq);
            a6 = r.fma(u10, a6);
            a5 = r.fma(u20, a5);
            r = FloatVector.fromArray(S, buf, d + 8 * wq);
            a6 = r.fma(u20, a6);
            // filter column 1
            FloatVector u01 = FloatVector.broadcast(S, wt[wOff + 1]), u11 = FloatVector.broadcast(S, wt[wOff + 4]), u21 = FloatVector.broadcast(S, wt[wOff + 7]);
            r = FloatVector.fromArray(S, buf, d + 1);
            a0 = r.fma(u01, a0);
            r = FloatVector.fromArray(S, buf, d + 1 + wq);
            a1 = r.fma(u01, a1);
            a0 = r.fma(u11, a0);
            r = FloatVector.fromArray(S, buf, d + 1 + 2 * wq);
            a2 = r.fma(u01, a2);
            a1 = r.fma(u11, a1);
            a0 = r.fma(u21, a0);
            r = FloatVector.fromArray(S, buf, d + 1 + 3 * wq);
            a3 = r.fma(u01, a3);
            a2 = r.fma(u11, a2);
            a1 = r.fma(u21, a1);
            r = FloatVector.fromArray(S, buf, d + 1 + 4 * wq);
            a4 = r.fma(u01, a4);
            a3 = r.fma(u11, a3);
            a2 = r.fma(u21, a2);
            r = FloatVector.fromArray(S, buf, d + 1 + 5 * wq);
            a5 = r.fma(u01, a5);
            a4 = r.fma(u11, a4);
            a3 = r.fma(u21, a3);
            r = FloatVector.fromArray(S, buf, d + 1 + 6 * wq);
            a6 = r.fma(u01, a6);
            a5 = r.fma(u11, a5);
            a4 = r.fma(u21, a4);
            r = FloatVector.fromArray(S, buf, d + 1 + 7 * wq);
            a6 = r.fma(u11, a6);
            a5 = r.fma(u21, a5);
            r = FloatVector.fromArray(S, buf, d + 1 + 8 * wq);
            a6 = r.fma(u21, a6);
            // filter column 2
            FloatVector u02 = FloatVector.broadcast(S, wt[wOff + 2]), u12 = FloatVector.broadcast(S, wt[wOff + 5]), u22 = FloatVector.broadcast(S, wt[wOff + 8]);
            r = FloatVector.fromArray(S, buf, d + 2);
            a0 = r.fma(u02, a0);
            r = FloatVector.fromArray(S, buf, d + 2 + wq);
            a1 = r.fma(u02, a1);
            a0 = r.fma(u12, a0);
            r = FloatVector.fromArray(S, buf, d + 2 + 2 * wq);
            a2 = r.fma(u02, a2);
            a1 = r.fma(u12, a1);
            a0 = r.fma(u22, a0);
            r = FloatVector.fromArray(S, buf, d + 2 + 3 * wq);
            a3 = r.fma(u02, a3);
            a2 = r.fma(u12, a2);
            a1 = r.fma(u22, a1);
            r = FloatVector.fromArray(S, buf, d + 2 + 4 * wq);
            a4 = r.fma(u02, a4);
            a3 = r.fma(u12, a3);
            a2 = r.fma(u22, a2);
            r = FloatVector.fromArray(S, buf, d + 2 + 5 * wq);
            a5 = r.fma(u02, a5);
            a4 = r.fma(u12, a4);
            a3 = r.fma(u22, a3);
            r = FloatVector.fromArray(S, buf, d + 2 + 6 * wq);
            a6 = r.fma(u02, a6);
            a5 = r.fma(u12, a5);
            a4 = r.fma(u22, a4);
            r = FloatVector.fromArray(S, buf, d + 2 + 7 * wq);
            a6 = r.fma(u12, a6);
            a5 = r.fma(u22, a5);
            r = FloatVector.fromArray(S, buf, d + 2 + 8 * wq);
            a6 = r.fma(u22, a6);
            int o = dst + ya * ow + xa;
            if (narrow) {
                VectorMask<Float> tail = S.indexInRange(0, ow);
                a0.fma(sv, bv).intoArray(out, o, tail);
                a1.fma(sv, bv).intoArray(out, o + ow, tail);
                a2.fma(sv, bv).intoArray(out, o + 2 * ow, tail);
                a3.fma(sv, bv).intoArray(out, o + 3 * ow, tail);
                a4.fma(sv, bv).intoArray(out, o + 4 * ow, tail);
                a5.fma(sv, bv).intoArray(out, o + 5 * ow, tail);
                a6.fma(sv, bv).intoArray(out, o + 6 * ow, tail);
                return;
            }
            a0.fma(sv, bv).intoArray(out, o);
            a1.fma(sv, bv).intoArray(out, o + ow);
            a2.fma(sv, bv).intoArray(out, o + 2 * ow);
            a3.fma(sv, bv).intoArray(out, o + 3 * ow);
            a4.fma(sv, bv).intoArray(out, o + 4 * ow);
            a5.fma(sv, bv).intoArray(out, o + 5 * ow);
            a6.fma(sv, bv).intoArray(out, o + 6 * ow);
            if (xa == last) return;
        }
    }

    /**
     * Output rows ya..ya+6 of a 5×KW filter, every vector of the row; a filter column's five weights broadcast once. The
     * eleven input rows' index steps by WQ from one load to the next: written as d + k·WQ, C2 kept the ten offsets (as int
     * for the range check and as long for the address) spilled to the stack, two stack loads and adds a vector load
     * ({@code elixr bench ops --only 5x5}, [16,240,28,28], Zen 4, before/after alternated twice: AVX-512 9.1 → 9.9–10.0 GB/s
     * on one thread, 15.9–16.6 → 18.5–19.0 on two; the AVX2 path unchanged, 7.3–7.5 and 13.4–14.6).
     */
    private static void block5(float[] buf, float[] wt, int wOff, int kw, int wq, int ya, int ow,
                               float scale, float shift, float[] out, int dst) {
        FloatVector sv = FloatVector.broadcast(S, scale), bv = FloatVector.broadcast(S, shift);
        boolean narrow = ow < VL; // one vector per row, stored under the mask of its first OW lanes
        int last = Math.max(0, ow - VL);
        for (int x0 = 0; ; x0 += VL) {
            int xa = Math.min(x0, last), base = ya * wq + xa;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, r;
            for (int kx = 0; kx < kw; kx++) {
                int wk = wOff + kx, d = base + kx;
                FloatVector u0 = FloatVector.broadcast(S, wt[wk]), u1 = FloatVector.broadcast(S, wt[wk + kw]);
                FloatVector u2 = FloatVector.broadcast(S, wt[wk + 2 * kw]), u3 = FloatVector.broadcast(S, wt[wk + 3 * kw]);
                FloatVector u4 = FloatVector.broadcast(S, wt[wk + 4 * kw]);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a0 = r.fma(u0, a0);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a1 = r.fma(u0, a1);
                a0 = r.fma(u1, a0);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a2 = r.fma(u0, a2);
                a1 = r.fma(u1, a1);
                a0 = r.fma(u2, a0);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a3 = r.fma(u0, a3);
                a2 = r.fma(u1, a2);
                a1 = r.fma(u2, a1);
                a0 = r.fma(u3, a0);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a4 = r.fma(u0, a4);
                a3 = r.fma(u1, a3);
                a2 = r.fma(u2, a2);
                a1 = r.fma(u3, a1);
                a0 = r.fma(u4, a0);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a5 = r.fma(u0, a5);
                a4 = r.fma(u1, a4);
                a3 = r.fma(u2, a3);
                a2 = r.fma(u3, a2);
                a1 = r.fma(u4, a1);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a6 = r.fma(u0, a6);
                a5 = r.fma(u1, a5);
                a4 = r.fma(u2, a4);
                a3 = r.fma(u3, a3);
                a2 = r.fma(u4, a2);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a6 = r.fma(u1, a6);
                a5 = r.fma(u2, a5);
                a4 = r.fma(u3, a4);
                a3 = r.fma(u4, a3);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a6 = r.fma(u2, a6);
                a5 = r.fma(u3, a5);
                a4 = r.fma(u4, a4);
                r = FloatVector.fromArray(S, buf, d);
                d += wq;
                a6 = r.fma(u3, a6);
                a5 = r.fma(u4, a5);
                r = FloatVector.fromArray(S, buf, d);
                a6 = r.fma(u4, a6);
            }
            int o = dst + ya * ow + xa;
            if (narrow) {
                VectorMask<Float> tail = S.indexInRange(0, ow);
                a0.fma(sv, bv).intoArray(out, o, tail);
                a1.fma(sv, bv).intoArray(out, o + ow, tail);
                a2.fma(sv, bv).intoArray(out, o + 2 * ow, tail);
                a3.fma(sv, bv).intoArray(out, o + 3 * ow, tail);
                a4.fma(sv, bv).intoArray(out, o + 4 * ow, tail);
                a5.fma(sv, bv).intoArray(out, o + 5 * ow, tail);
                a6.fma(sv, bv).intoArray(out, o + 6 * ow, tail);
                return;
            }
            a0.fma(sv, bv).intoArray(out, o);
            a1.fma(sv, bv).intoArray(out, o + ow);
            a2.fma(sv, bv).intoArray(out, o + 2 * ow);
            a3.fma(sv, bv).intoArray(out, o + 3 * ow);
            a4.fma(sv, bv).intoArray(out, o + 4 * ow);
            a5.fma(sv, bv).intoArray(out, o + 5 * ow);
            a6.fma(sv, bv).intoArray(out, o + 6 * ow);
            if (xa == last) return;
        }
    }

    /**
     * Output rows ya..ya+6 of a 5×KW filter, two vectors of the row at a time (for 32 vector registers: 14 accumulators,
     * 5 weights and the row's two vectors in flight): columns xa and xa + VL, the last pair moved back to end at OW
     * (overlaps recomputed with the same bits); where OW < 2·VL the second vector is stored under the mask of its first
     * OW − VL lanes (its other lanes read cells of the next padded row, or the scratch's tail, and are dropped). Each
     * output is summed as in {@link #block5}, kx by kx, ky within: the same bits. Why two: an output's 25 FMAs are one
     * dependent chain, so seven chains keep the FMA units short of two a cycle, and each broadcast, row index and range
     * check now serves two vectors (the second load at a constant offset from the first). {@code bench ops --only 5x5},
     * [16,240,28,28], Intel Xeon AVX-512, one vector then two alternated twice: 8.7–8.8 → 9.5–9.6 GB/s on one thread,
     * 17.0–17.2 → 18.2–18.5 on two (docs/results.md, session 38).
     */
    private static void block5x2(float[] buf, float[] wt, int wOff, int kw, int wq, int ya, int ow,
                                 float scale, float shift, float[] out, int dst) {
        FloatVector sv = FloatVector.broadcast(S, scale), bv = FloatVector.broadcast(S, shift);
        boolean masked = ow < 2 * VL;
        VectorMask<Float> tail = S.indexInRange(0, ow - VL);
        int last = Math.max(0, ow - 2 * VL);
        for (int x0 = 0; ; x0 += 2 * VL) {
            int xa = Math.min(x0, last), base = ya * wq + xa;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, p, q;
            for (int kx = 0; kx < kw; kx++) {
                int wk = wOff + kx, d = base + kx;
                FloatVector u0 = FloatVector.broadcast(S, wt[wk]), u1 = FloatVector.broadcast(S, wt[wk + kw]);
                FloatVector u2 = FloatVector.broadcast(S, wt[wk + 2 * kw]), u3 = FloatVector.broadcast(S, wt[wk + 3 * kw]);
                FloatVector u4 = FloatVector.broadcast(S, wt[wk + 4 * kw]);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a0 = p.fma(u0, a0); b0 = q.fma(u0, b0);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a0 = p.fma(u1, a0); b0 = q.fma(u1, b0);
                a1 = p.fma(u0, a1); b1 = q.fma(u0, b1);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a0 = p.fma(u2, a0); b0 = q.fma(u2, b0);
                a1 = p.fma(u1, a1); b1 = q.fma(u1, b1);
                a2 = p.fma(u0, a2); b2 = q.fma(u0, b2);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a0 = p.fma(u3, a0); b0 = q.fma(u3, b0);
                a1 = p.fma(u2, a1); b1 = q.fma(u2, b1);
                a2 = p.fma(u1, a2); b2 = q.fma(u1, b2);
                a3 = p.fma(u0, a3); b3 = q.fma(u0, b3);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a0 = p.fma(u4, a0); b0 = q.fma(u4, b0);
                a1 = p.fma(u3, a1); b1 = q.fma(u3, b1);
                a2 = p.fma(u2, a2); b2 = q.fma(u2, b2);
                a3 = p.fma(u1, a3); b3 = q.fma(u1, b3);
                a4 = p.fma(u0, a4); b4 = q.fma(u0, b4);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a1 = p.fma(u4, a1); b1 = q.fma(u4, b1);
                a2 = p.fma(u3, a2); b2 = q.fma(u3, b2);
                a3 = p.fma(u2, a3); b3 = q.fma(u2, b3);
                a4 = p.fma(u1, a4); b4 = q.fma(u1, b4);
                a5 = p.fma(u0, a5); b5 = q.fma(u0, b5);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a2 = p.fma(u4, a2); b2 = q.fma(u4, b2);
                a3 = p.fma(u3, a3); b3 = q.fma(u3, b3);
                a4 = p.fma(u2, a4); b4 = q.fma(u2, b4);
                a5 = p.fma(u1, a5); b5 = q.fma(u1, b5);
                a6 = p.fma(u0, a6); b6 = q.fma(u0, b6);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a3 = p.fma(u4, a3); b3 = q.fma(u4, b3);
                a4 = p.fma(u3, a4); b4 = q.fma(u3, b4);
                a5 = p.fma(u2, a5); b5 = q.fma(u2, b5);
                a6 = p.fma(u1, a6); b6 = q.fma(u1, b6);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a4 = p.fma(u4, a4); b4 = q.fma(u4, b4);
                a5 = p.fma(u3, a5); b5 = q.fma(u3, b5);
                a6 = p.fma(u2, a6); b6 = q.fma(u2, b6);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                d += wq;
                a5 = p.fma(u4, a5); b5 = q.fma(u4, b5);
                a6 = p.fma(u3, a6); b6 = q.fma(u3, b6);
                p = FloatVector.fromArray(S, buf, d);
                q = FloatVector.fromArray(S, buf, d + VL);
                a6 = p.fma(u4, a6); b6 = q.fma(u4, b6);
            }
            int o = dst + ya * ow + xa, ob = o + VL;
            a0.fma(sv, bv).intoArray(out, o);
            a1.fma(sv, bv).intoArray(out, o + ow);
            a2.fma(sv, bv).intoArray(out, o + 2 * ow);
            a3.fma(sv, bv).intoArray(out, o + 3 * ow);
            a4.fma(sv, bv).intoArray(out, o + 4 * ow);
            a5.fma(sv, bv).intoArray(out, o + 5 * ow);
            a6.fma(sv, bv).intoArray(out, o + 6 * ow);
            if (masked) {
                b0.fma(sv, bv).intoArray(out, ob, tail);
                b1.fma(sv, bv).intoArray(out, ob + ow, tail);
                b2.fma(sv, bv).intoArray(out, ob + 2 * ow, tail);
                b3.fma(sv, bv).intoArray(out, ob + 3 * ow, tail);
                b4.fma(sv, bv).intoArray(out, ob + 4 * ow, tail);
                b5.fma(sv, bv).intoArray(out, ob + 5 * ow, tail);
                b6.fma(sv, bv).intoArray(out, ob + 6 * ow, tail);
                return;
            }
            b0.fma(sv, bv).intoArray(out, ob);
            b1.fma(sv, bv).intoArray(out, ob + ow);
            b2.fma(sv, bv).intoArray(out, ob + 2 * ow);
            b3.fma(sv, bv).intoArray(out, ob + 3 * ow);
            b4.fma(sv, bv).intoArray(out, ob + 4 * ow);
            b5.fma(sv, bv).intoArray(out, ob + 5 * ow);
            b6.fma(sv, bv).intoArray(out, ob + 6 * ow);
            if (xa == last) return;
        }
    }

}
