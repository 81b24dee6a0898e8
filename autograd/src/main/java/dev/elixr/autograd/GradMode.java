package dev.elixr.autograd;

/**
 * Whether differentiable ops record the tape (per thread). Inside {@code try (var g = GradMode.noGrad()) {...}}
 * nothing is recorded and no backward state is kept: inference pays nothing for autograd.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /** True when ops on this thread record the graph. */
    public static boolean isEnabled() { return ENABLED.get()[0]; }

    /** Turns recording off until the returned scope closes (restores the previous mode). */
    public static Scope noGrad() { return set(false); }

    /** Turns recording on until the returned scope closes (restores the previous mode). */
    public static Scope enableGrad() { return set(true); }

    private static Scope set(boolean on) {
        boolean[] flag = ENABLED.get();
        Scope s = new Scope(flag, flag[0]);
        flag[0] = on;
        return s;
    }

    /** Restores the previous grad mode on close; close throws nothing. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] flag;
        private final boolean previous;
        private boolean closed;

        private Scope(boolean[] flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            flag[0] = previous;
        }
    }
}
