package dev.elixr.autograd;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

/**
 * Per-op NaN/Inf checks for debugging, as torch.autograd.detect_anomaly: while enabled, every op's output is checked
 * after its forward and every gradient a backward function returns is checked, and the first non-finite value throws a
 * {@link NonFiniteException} naming the op, its function, the shape and where the op was created (recorded at forward,
 * so that a backward failure points at the forward code). Off by default; then each op pays one volatile read. Global
 * (all threads), like torch's {@code set_detect_anomaly}:
 * {@code try (var a = AnomalyMode.detect()) { ... }}.
 */
public final class AnomalyMode {
    /** Turns a found anomaly into the exception to throw (a training loop adds its step and writes diagnostics). */
    @FunctionalInterface
    public interface Handler {
        RuntimeException onAnomaly(NonFiniteException e);
    }

    private static final Handler RETHROW = e -> e;
    private static final StackWalker WALKER = StackWalker.getInstance();
    private static volatile boolean enabled;
    private static volatile Handler handler = RETHROW;

    private AnomalyMode() {}

    public static boolean isEnabled() { return enabled; }

    /** Turns the checks on until the returned scope closes (which restores the previous mode and handler). */
    public static Scope detect() {
        Scope s = new Scope(enabled, handler);
        enabled = true;
        return s;
    }

    /**
     * Until the current {@link #detect()} scope closes, anomalies go through h (null: thrown as they are). Ignored when
     * the mode is off, so that no handler outlives its scope.
     */
    public static void setHandler(Handler h) {
        if (enabled) handler = h == null ? RETHROW : h;
    }

    /** Forward check of an op's output; on failure, finds the leaf input that was already bad, if any. */
    static void checkForward(String op, Tensor value, Var[] inputs) {
        String bad = NonFinite.describe(value);
        if (bad == null) return;
        Site site = site();
        StringBuilder m = new StringBuilder("anomaly: forward op '").append(op).append("' (").append(site.function)
                .append(") produced ").append(bad).append(", created at ").append(site.caller);
        Var culprit = null;
        for (int i = 0; i < inputs.length && culprit == null; i++) {
            Var in = inputs[i];
            String inBad = in == null ? null : NonFinite.describe(in.value());
            if (inBad == null) continue;
            culprit = in;
            m.append("; its input ").append(i).append(" (").append(in.isLeaf() ? in.requiresGrad() ? "a trainable leaf" : "a constant"
                    : "made by '" + in.node().op() + "'").append(") was already non-finite: ").append(inBad);
        }
        throw fail(new NonFiniteException(NonFiniteException.Phase.FORWARD, op, culprit, m.toString()));
    }

    /** Backward check of the input gradients a node's backward function returned. */
    static void checkBackward(Node node, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null) continue;
            String bad = NonFinite.describe(grads[i]);
            if (bad == null) continue;
            String m = "anomaly: backward of op '" + node.op() + "' (" + (node.origin() == null ? "?" : node.origin().function)
                    + ") returned a non-finite gradient for input " + i + " " + Shape.str(grads[i].shape()) + ": " + bad
                    + "; the op was created at " + (node.origin() == null ? "? (before anomaly mode was on)" : node.origin().caller);
            throw fail(new NonFiniteException(NonFiniteException.Phase.BACKWARD, node.op(), null, m));
        }
    }

    private static RuntimeException fail(NonFiniteException e) {
        RuntimeException r = handler.onAnomaly(e);
        return r == null ? e : r;
    }

    /** Where an op is being created: its function (the caller of Var.result) and the first frame outside the library. */
    record Site(String function, String caller) {}

    static Site site() {
        return WALKER.walk(frames -> {
            String function = null;
            boolean past = false;
            for (var it = frames.iterator(); it.hasNext(); ) {
                StackWalker.StackFrame f = it.next();
                String c = f.getClassName();
                boolean inResult = c.equals(Var.class.getName()) && f.getMethodName().equals("result");
                if (!past || inResult) { // past every Var.result frame (one overload calls the other)
                    past |= inResult;
                    continue;
                }
                if (function == null) function = c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
                else if (!library(c)) return new Site(function, f.toString());
            }
            return new Site(function == null ? "?" : function, "?");
        });
    }

    /** Classes that implement ops and layers (skipped when looking for the code that created an op). */
    private static boolean library(String c) {
        return c.startsWith("dev.elixr.autograd.functions.") || c.startsWith("dev.elixr.autograd.nn.")
                || c.equals(Var.class.getName()) || c.equals(Functional.class.getName()) || c.startsWith("java.");
    }

    /** Restores the previous mode and handler on close. */
    public static final class Scope implements AutoCloseable {
        private final boolean previous;
        private final Handler previousHandler;
        private boolean closed;

        private Scope(boolean previous, Handler previousHandler) {
            this.previous = previous;
            this.previousHandler = previousHandler;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            enabled = previous;
            handler = previousHandler;
        }
    }
}
