package dev.elixr.models.llm;

import java.util.Locale;

/**
 * Where a decoding step's time goes: wall time on the calling thread per operation of single-row steps (the matrix–vector
 * products, attention over the cache, RMSNorm, RoPE, the residual adds, the LM head), summed since the last
 * {@link #reset}. Off unless {@code -Delixr.llm.profile=true} (then two clock reads per operation); prefill (several
 * rows) is never counted. Not thread-safe: one decoding caller at a time.
 */
public final class DecodeProfile {
    static final boolean ON = Boolean.getBoolean("elixr.llm.profile");

    /** The operations of a step, in the order they run. */
    public enum Op {
        EMBED("token embedding"), NORM("RMSNorm (2 per layer + final)"), QKV("q, k, v projections"), ROPE("RoPE on q and k"),
        CACHE("KV cache write"), ATTENTION("attention over the cache"), O("o projection"), RESIDUAL("residual adds"),
        GATE_UP("gate, up projections"), SWIGLU("silu(gate)·up"), DOWN("down projection"), HEAD("LM head"), OTHER("rest of the step");

        final String label;

        Op(String label) { this.label = label; }
    }

    private static final long[] NANOS = new long[Op.values().length];
    private static long steps, stepNanos, stepStart;

    private DecodeProfile() {}

    /** Whether profiling is on (the flag). */
    public static boolean on() { return ON; }

    /** A clock reading to pass to {@link #add}, when rows == 1 and profiling is on; else 0 (not counted). */
    static long start(int rows) { return ON && rows == 1 ? System.nanoTime() : 0; }

    /** Adds the time since t0 (from {@link #start}) to op. */
    static void add(Op op, long t0) {
        if (t0 != 0) NANOS[op.ordinal()] += System.nanoTime() - t0;
    }

    static void stepStart(int rows) { stepStart = start(rows); }

    static void stepEnd() {
        if (stepStart == 0) return;
        stepNanos += System.nanoTime() - stepStart;
        steps++;
        stepStart = 0;
    }

    /** Forgets what was counted. */
    public static void reset() {
        java.util.Arrays.fill(NANOS, 0);
        steps = stepNanos = 0;
    }

    /** Steps counted since the last reset. */
    public static long steps() { return steps; }

    /** Mean µs per step of op. */
    public static double micros(Op op) {
        if (op == Op.OTHER) {
            long known = 0;
            for (Op o : Op.values()) if (o != Op.OTHER) known += NANOS[o.ordinal()];
            return steps == 0 ? 0 : (stepNanos - known) / 1e3 / steps;
        }
        return steps == 0 ? 0 : NANOS[op.ordinal()] / 1e3 / steps;
    }

    /** One line per operation: µs per step and its share of the step. */
    public static String text() {
        if (steps == 0) return "decode profile: no single-row steps counted" + (ON ? "" : " (run with -Delixr.llm.profile=true)");
        double step = stepNanos / 1e3 / steps;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "decode profile: %d steps, %.1f µs per step%n", steps, step));
        for (Op o : Op.values()) s.append(String.format(Locale.ROOT, "  %-32s %9.1f µs  %5.1f%%%n", o.label, micros(o), 100 * micros(o) / step));
        return s.toString().stripTrailing();
    }
}
