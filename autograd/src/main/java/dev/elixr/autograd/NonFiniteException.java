package dev.elixr.autograd;

/**
 * A NaN or infinite value found by {@link AnomalyMode}: which op (its name and implementing function), in which
 * direction, the shape and the first bad element, and where the op was created. {@link #input()} is the leaf input
 * (e.g. a parameter) that was already non-finite when the forward op ran, or null.
 */
public final class NonFiniteException extends ArithmeticException {
    public enum Phase { FORWARD, BACKWARD }

    private final Phase phase;
    private final String op;
    private final transient Var input;

    NonFiniteException(Phase phase, String op, Var input, String message) {
        super(message);
        this.phase = phase;
        this.op = op;
        this.input = input;
    }

    public Phase phase() { return phase; }

    /** The op's name as recorded on the tape (e.g. "matmul", "log"). */
    public String op() { return op; }

    /** The leaf input that was non-finite before the op ran (a parameter or a constant), or null. */
    public Var input() { return input; }
}
